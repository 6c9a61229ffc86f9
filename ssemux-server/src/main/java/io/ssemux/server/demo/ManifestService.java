package io.ssemux.server.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ssemux.core.Hub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code manifest.json} of each project folder: the list of its photos. Adding one replaces
 * the file atomically (readers never see half of it), then tells the channel of whoever added it
 * (the uploader's private one, in the demo): {@code manifest_changed}
 * {@code {project_folder, timestamp}}.
 *
 * <p>Thread-safe: updates are serialized, so concurrent jobs never lose each other's entries.
 */
final class ManifestService {
    static final String FILE_NAME = "manifest.json";

    private final DataDirectory data;
    private final Hub hub;
    private final Clock clock;

    ManifestService(DataDirectory data, Hub hub, Clock clock) {
        this.data = data;
        this.hub = hub;
        this.clock = clock;
    }

    /**
     * Appends {@code photo} to the folder's manifest, creating it when needed, and publishes
     * {@code manifest_changed} on {@code channel}.
     *
     * @return the manifest's new timestamp (ISO-8601, UTC)
     */
    String addPhoto(ProjectFolder folder, Map<String, Object> photo, String channel) throws IOException {
        String timestamp;
        synchronized (this) {
            ObjectNode manifest = read(folder);
            timestamp = clock.instant().toString();
            manifest.put("project_folder", folder.name());
            manifest.put("updated", timestamp);
            ArrayNode photos = manifest.withArrayProperty("photos");
            photos.add(DemoJson.MAPPER.valueToTree(photo));
            data.writeAtomically(
                    file(folder),
                    DemoJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
        }
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("project_folder", folder.name());
        change.put("timestamp", timestamp);
        hub.publish(channel, "manifest_changed", DemoJson.write(change));
        return timestamp;
    }

    /** The folder's manifest; an empty one when it has none yet. */
    ObjectNode read(ProjectFolder folder) throws IOException {
        try {
            JsonNode manifest = DemoJson.MAPPER.readTree(Files.readAllBytes(file(folder)));
            if (manifest instanceof ObjectNode object) {
                return object;
            }
            throw new IOException(file(folder) + ": not a JSON object");
        } catch (NoSuchFileException e) {
            ObjectNode empty = DemoJson.MAPPER.createObjectNode();
            empty.put("project_folder", folder.name());
            empty.putArray("photos");
            return empty;
        }
    }

    private Path file(ProjectFolder folder) {
        return data.project(folder).resolve(FILE_NAME);
    }
}
