package io.ssemux.server.demo;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Real images made for tests, and one that lies about its size. */
final class Images {
    private Images() {}

    /** A {@code width}×{@code height} gradient in {@code format} ("png" or "jpg"). */
    static byte[] image(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.ORANGE, width, height, Color.BLUE));
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, bytes)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] png(int width, int height) {
        return image("png", width, height);
    }

    /** A PNG signature and a header that claims {@code width}×{@code height}, and no pixels at all. */
    static byte[] pngClaiming(int width, int height) {
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put(new byte[] {8, 2, 0, 0, 0});
        byte[] typed = ByteBuffer.allocate(17)
                .put("IHDR".getBytes(StandardCharsets.US_ASCII))
                .put(header.array())
                .array();
        CRC32 crc = new CRC32();
        crc.update(typed);
        return ByteBuffer.allocate(8 + 4 + 17 + 4)
                .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13)
                .put(typed)
                .putInt((int) crc.getValue())
                .array();
    }

    /** A PNG signature followed by nonsense. */
    static byte[] damagedPng() {
        byte[] png = png(8, 8);
        byte[] damaged = Arrays.copyOf(png, 40);
        Arrays.fill(damaged, 16, 40, (byte) 0x5a);
        return damaged;
    }
}
