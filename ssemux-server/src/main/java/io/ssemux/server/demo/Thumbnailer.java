package io.ssemux.server.demo;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Makes PNG thumbnails with the JDK's ImageIO: decodes an image and scales it to fit a square box.
 * The size in the image's header is checked before decoding, so a small file that claims a huge
 * picture is refused instead of filling the heap. Works in memory only (no ImageIO cache files).
 * Stateless; any thread.
 */
final class Thumbnailer {
    /**
     * A thumbnail and the size of the image it was made from.
     *
     * @param png          the thumbnail, as PNG
     * @param width        its width in pixels
     * @param height       its height in pixels
     * @param sourceWidth  the image's width in pixels
     * @param sourceHeight the image's height in pixels
     */
    @SuppressWarnings("ArrayRecordComponent") // written to a file once; never compared or hashed
    record Thumbnail(byte[] png, int width, int height, int sourceWidth, int sourceHeight) {}

    private final int box;
    private final long maxPixels;

    /**
     * @param box       the largest width and height of a thumbnail
     * @param maxPixels the largest image (width × height) it decodes
     */
    Thumbnailer(int box, long maxPixels) {
        if (box < 1) {
            throw new IllegalArgumentException("box: " + box + " (expected: > 0)");
        }
        if (maxPixels < 1) {
            throw new IllegalArgumentException("maxPixels: " + maxPixels + " (expected: > 0)");
        }
        this.box = box;
        this.maxPixels = maxPixels;
    }

    /** @throws JobFailure when {@code image} cannot be decoded or is too large */
    Thumbnail make(byte[] image) throws JobFailure {
        BufferedImage source = decode(image);
        double scale = Math.min(1.0, (double) box / Math.max(source.getWidth(), source.getHeight()));
        int width = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int height = Math.max(1, (int) Math.round(source.getHeight() * scale));
        BufferedImage thumbnail = scale(source, width, height);
        return new Thumbnail(png(thumbnail), width, height, source.getWidth(), source.getHeight());
    }

    private BufferedImage decode(byte[] image) throws JobFailure {
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new JobFailure("not a readable image: no decoder recognises it");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new JobFailure("image too large: " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " pixels (expected: at most " + maxPixels + " pixels)");
                }
                return reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Decoders report damaged data with IOExceptions and, now and then, runtime exceptions.
            throw new JobFailure("not a readable image: "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
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
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.drawImage(current, 0, 0, w, h, null);
            } finally {
                g.dispose();
            }
            current = next;
        } while (w != width || h != height);
        return current;
    }

    private static byte[] png(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(image);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a PNG in memory", e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
