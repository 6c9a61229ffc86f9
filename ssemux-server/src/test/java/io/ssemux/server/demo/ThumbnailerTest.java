package io.ssemux.server.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ThumbnailerTest {
    private final Thumbnailer thumbnailer = new Thumbnailer(160, 10_000_000);

    @Test
    void scalesAPngToFitTheBoxKeepingItsShape() throws Exception {
        Thumbnailer.Thumbnail thumbnail = thumbnailer.make(Images.png(1200, 800));

        assertThat(thumbnail.width()).isEqualTo(160);
        assertThat(thumbnail.height()).isEqualTo(107);
        assertThat(thumbnail.sourceWidth()).isEqualTo(1200);
        assertThat(thumbnail.sourceHeight()).isEqualTo(800);
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(thumbnail.png()));
        assertThat(decoded.getWidth()).isEqualTo(160);
        assertThat(decoded.getHeight()).isEqualTo(107);
    }

    @Test
    void makesAPngThumbnailOfAJpeg() throws Exception {
        Thumbnailer.Thumbnail thumbnail = thumbnailer.make(Images.image("jpg", 300, 600));

        assertThat(thumbnail.width()).isEqualTo(80);
        assertThat(thumbnail.height()).isEqualTo(160);
        assertThat(ImageFormat.sniff(thumbnail.png())).contains(ImageFormat.PNG);
    }

    @Test
    void neverEnlargesASmallImage() throws Exception {
        Thumbnailer.Thumbnail thumbnail = thumbnailer.make(Images.png(40, 30));

        assertThat(thumbnail.width()).isEqualTo(40);
        assertThat(thumbnail.height()).isEqualTo(30);
    }

    @Test
    void failsADamagedImageWithAReasonForTheUser() {
        assertThatThrownBy(() -> thumbnailer.make(Images.damagedPng()))
                .isInstanceOf(JobFailure.class)
                .hasMessageStartingWith("not a readable image: ");
    }

    @Test
    void failsBytesNoDecoderKnows() {
        assertThatThrownBy(() -> thumbnailer.make("plain text, no image".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(JobFailure.class)
                .hasMessage("not a readable image: no decoder recognises it");
    }

    @Test
    void refusesAHugeImageFromItsHeaderBeforeDecodingIt() {
        // 57 bytes that claim 100,000 × 100,000 pixels: 40 GB once decoded.
        assertThatThrownBy(() -> thumbnailer.make(Images.pngClaiming(100_000, 100_000)))
                .isInstanceOf(JobFailure.class)
                .hasMessage("image too large: 100000x100000 pixels (expected: at most 10000000 pixels)");
    }

    @Test
    void sniffsPngAndJpegFromTheirFirstBytesOnly() {
        assertThat(ImageFormat.sniff(Images.png(2, 2))).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(Images.image("jpg", 2, 2))).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff("hello".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(ImageFormat.sniff(new byte[] {(byte) 0x89, 'P'})).isEmpty();
    }
}
