package io.ssemux.examples.photojobs;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Decodes photos and makes their PNG thumbnails with the JDK's ImageIO. The size in an image's header
 * is checked before it is decoded, so a small file that claims a huge picture is refused instead of
 * filling the heap. Stateless; any thread.
 */
final class Thumbnails {
    /** The largest width and height of a thumbnail. */
    static final int BOX = 320;

    /** The largest image decoded, in pixels. */
    static final long MAX_PIXELS = 50_000_000;

    private Thumbnails() {}

    /** Why an image cannot be made a thumbnail, in words for the person who uploaded it. */
    static final class Unreadable extends Exception {
        private static final long serialVersionUID = 1L;

        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The image in {@code file}, decoded. */
    static BufferedImage decode(Path file) throws Unreadable {
        try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Unreadable("not a readable image: no decoder recognises it");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS) {
                    throw new Unreadable("image too large: " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels (expected: at most " + MAX_PIXELS + " pixels)");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Decoders report damaged data with IOExceptions and, now and then, runtime exceptions.
            throw new Unreadable("not a readable image: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    /** {@code image} scaled to fit {@link #BOX}, as PNG. */
    static byte[] thumbnail(BufferedImage image) {
        double scale = Math.min(1.0, (double) BOX / Math.max(image.getWidth(), image.getHeight()));
        int width = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(image.getHeight() * scale));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(png)) { // no cache file on the disk
            ImageIO.write(scale(image, width, height), "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a PNG in memory", e);
        }
        return png.toByteArray();
    }

    /** Halves while more than twice too large (bilinear alone would alias), then scales to the exact size. */
    private static BufferedImage scale(BufferedImage source, int width, int height) {
        int type = source.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
        BufferedImage current = source;
        int w = source.getWidth();
        int h = source.getHeight();
        do {
            w = Math.max(width, w / 2);
            h = Math.max(height, h / 2);
            BufferedImage next = new BufferedImage(w, h, type);
            Graphics2D g = next.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.drawImage(current, 0, 0, w, h, null);
            } finally {
                g.dispose();
            }
            current = next;
        } while (w != width || h != height);
        return current;
    }
}
