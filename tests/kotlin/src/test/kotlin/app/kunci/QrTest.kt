package app.kunci

import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.File
import java.nio.ByteBuffer
import java.nio.file.Path
import javax.imageio.ImageIO
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir

/** QR input: real corpus photos, rendered codes, camera-like luma planes with padded rows. */
class QrTest {
    @TempDir
    lateinit var dir: Path

    @Test
    fun corpusPhotosDecodeToTheExactBytesOfTheTextBesideThem() {
        // A phone photo (PNG), a tilted JPEG and a WebP with UTF-8 text; .txt read as raw bytes.
        val photos = listOf(
            "zxing-qrcode-1/1.png",
            "zxing-qrcode-2/1.png",
            "zxingcpp-extra/estimate-tilt.jpg",
            "zxingcpp-extra/30a.webp",
        )
        for (photo in photos) {
            val image = Fixtures.corpus.resolve(photo)
            assertTrue(image.isFile, "corpus image missing: $image (set KUNCI_QR_CORPUS to the corpus/qr folder)")
            val expected = File(image.path.substringBeforeLast('.') + ".txt").readBytes()
            val codes = decodeQrImage(image.readBytes())
            assertTrue(codes.isNotEmpty(), "no QR code in $photo")
            // Not authenticator codes: the preview carries their text (never for otpauth ones).
            assertEquals(QrKind.OTHER, codes[0].kind, photo)
            assertEquals(String(expected, Charsets.UTF_8), codes[0].text, photo)
        }
    }

    @Test
    fun renderedPngOfACorpusTextRoundTripsAndEnrollsFromImageBytes() {
        // The corpus text as-is (no newline normalisation) through render → decode.
        val text = String(Fixtures.corpus.resolve("zxingcpp-extra/30a.txt").readBytes(), Charsets.UTF_8)
        val decoded = decodeQrImage(renderQrPng(text, 4u))
        assertEquals(listOf(text), decoded.map { it.text })

        val secret = Fixtures.randomSecret()
        val uri = Fixtures.uri("ACME", "jo@example.com", secret)
        val png = renderQrPng(uri, 6u)
        assertArrayEquals(PNG_MAGIC, png.copyOf(8))
        Fixtures.newVault(dir).use { auth ->
            val report = auth.enrollImage(png, OnConflict.REJECT)
            assertEquals(listOf("ACME" to "jo@example.com"), report.added.map { it.issuer to it.name })
            val at = 1_700_000_000L
            assertEquals(Fixtures.referenceTotp(secret, at), auth.codesAt(at * 1000).codes.single().code)
        }
    }

    @Test
    fun decodeQrFrameReadsATightLumaPlaneAndOnePaddedToARowStride() {
        val uri = Fixtures.uri("Portal", "staff-7")
        val gray = toGray(ImageIO.read(ByteArrayInputStream(renderQrPng(uri, 5u))))
        val (w, h, luma) = gray

        val tight = ByteBuffer.allocateDirect(luma.size).put(luma).also { it.flip() }
        assertEquals(listOf("Portal" to "staff-7"), decodeQrFrame(w.toUInt(), h.toUInt(), w.toUInt(), tight, false).map(::label))

        // Rows padded like a camera's Y plane, padding full of noise the core must skip.
        val stride = w + 37
        val padded = ByteArray(stride * (h - 1) + w) { 0x5a }
        for (y in 0 until h) System.arraycopy(luma, y * w, padded, y * stride, w)
        val direct = ByteBuffer.allocateDirect(padded.size).put(padded).also { it.flip() }
        assertEquals(listOf("Portal" to "staff-7"), decodeQrFrame(w.toUInt(), h.toUInt(), stride.toUInt(), direct, true).map(::label))

        // The wrong stride for the same bytes reads nothing (not a crash).
        assertThrows<KunciException.NotAQrCode> {
            val skewed = ByteBuffer.allocateDirect(padded.size + h).put(padded).also { it.clear() }
            decodeQrFrame(w.toUInt(), h.toUInt(), (stride + 1).toUInt(), skewed, false)
        }
        // A heap buffer is refused by the generated code before it reaches Rust.
        assertThrows<IllegalArgumentException> {
            decodeQrFrame(w.toUInt(), h.toUInt(), w.toUInt(), ByteBuffer.wrap(luma), false)
        }
        // Too few bytes for the shape is a typed error.
        val short = ByteBuffer.allocateDirect(luma.size / 2).put(luma, 0, luma.size / 2).also { it.flip() }
        val e = assertThrows<KunciException.InvalidInput> { decodeQrFrame(w.toUInt(), h.toUInt(), w.toUInt(), short, false) }
        assertTrue(e.message!!.isNotBlank())
    }

    @Test
    fun lumaFrameAcceptsHeapArraysAndOffsetBuffersAndEnrollsAFrame() {
        val uri = Fixtures.uri("Keycloak", "ana")
        val (w, h, luma) = toGray(ImageIO.read(ByteArrayInputStream(renderQrPng(uri, 4u))))

        // A ByteArray with a 100-byte header before the plane.
        val withHeader = ByteArray(100) + luma
        assertEquals("Keycloak" to "ana", label(LumaFrame.of(withHeader, w, h, offset = 100).decode().single()))

        // A direct buffer whose position is not 0: the generated code would read from its base
        // address; LumaFrame slices it.
        val shifted = ByteBuffer.allocateDirect(64 + luma.size)
        shifted.position(64)
        shifted.put(luma)
        shifted.position(64)
        val frame = LumaFrame.of(shifted, w, h)
        assertTrue(frame.buffer.isDirect)
        assertEquals(0, frame.buffer.position())
        assertEquals("Keycloak" to "ana", label(frame.decode(thorough = true).single()))

        // A non-direct buffer at an offset (e.g. a slice of a heap array) is copied once.
        val heap = ByteBuffer.wrap(withHeader, 100, luma.size)
        assertEquals("Keycloak" to "ana", label(LumaFrame.of(heap, w, h).decode().single()))

        assertThrows<IllegalArgumentException> { LumaFrame.of(luma, w, h, rowStride = w - 1) }
        assertThrows<IllegalArgumentException> { LumaFrame.of(luma.copyOf(luma.size - 1), w, h) }
        assertEquals(0L, LumaFrame.requiredBytes(10, 0, 10))
        assertEquals(3L * 16 + 10, LumaFrame.requiredBytes(10, 4, 16))

        Fixtures.newVault(dir).use { auth ->
            val report = frame.enrollInto(auth)
            assertEquals("Keycloak", report.added.single().issuer)
            // A blank frame from the camera: keep scanning.
            val blank = LumaFrame.of(ByteArray(w * h) { 0x7f }, w, h)
            val e = assertThrows<KunciException.NotAQrCode> { blank.enrollInto(auth) }
            assertEquals(ErrorAction.RETRY, e.action())
        }
    }

    @Test
    fun imagesThatAreNotPicturesOrHoldNoCodeAreTypedErrors() {
        val garbage = assertThrows<KunciException.UnreadableImage> { decodeQrImage("not a picture".toByteArray()) }
        assertTrue(garbage.userMessage().isNotBlank())
        val blank = BufferedImage(200, 200, BufferedImage.TYPE_BYTE_GRAY)
        val png = java.io.ByteArrayOutputStream().also { ImageIO.write(blank, "png", it) }.toByteArray()
        assertThrows<KunciException.NotAQrCode> { decodeQrImage(png) }
        // A QR code that is not an authenticator code is refused at enrollment, with the reason.
        Fixtures.newVault(dir).use { auth ->
            val e = assertThrows<KunciException> { auth.enrollImage(renderQrPng("https://example.com/", 4u), OnConflict.REJECT) }
            assertTrue(e is KunciException.NotAQrCode || e is KunciException.InvalidInput, e.toString())
            assertTrue(e.userMessage().isNotBlank())
            assertTrue(auth.accounts().isEmpty())
        }
    }

    /** An otpauth code's preview: kind, issuer and name, and never its text (the secret). */
    private fun label(p: QrPreview): Pair<String, String> {
        assertEquals(QrKind.OTPAUTH, p.kind)
        assertNull(p.text)
        val a = p.accounts.single()
        return a.issuer to a.name
    }

    private data class Gray(val width: Int, val height: Int, val luma: ByteArray)

    /** The luma plane of an image (what a camera's Y plane holds), via javax.imageio. */
    private fun toGray(img: BufferedImage): Gray {
        val out = ByteArray(img.width * img.height)
        for (y in 0 until img.height) for (x in 0 until img.width) {
            val rgb = img.getRGB(x, y)
            val r = (rgb shr 16) and 0xff
            val g = (rgb shr 8) and 0xff
            val b = rgb and 0xff
            out[y * img.width + x] = ((r * 299 + g * 587 + b * 114) / 1000).toByte()
        }
        return Gray(img.width, img.height, out)
    }

    companion object {
        private val PNG_MAGIC = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte(), 13, 10, 26, 10)
    }
}
