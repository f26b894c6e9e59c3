package app.kunci

import java.nio.ByteBuffer

/**
 * One camera frame's luma (Y) plane, in the form the core reads without copying.
 *
 * The generated `decodeQrFrame` / `Authenticator.enrollFrame` take a `ByteBuffer` that must be
 * direct, and they pass the buffer's *base* address with `remaining()` bytes: a direct buffer
 * whose position is not 0 would be read from the wrong place. [of] fixes both: a direct buffer
 * is sliced at its position (no copy), anything else is copied once into a direct buffer.
 *
 * Android's CameraX `ImageProxy.planes[0]` is already direct; pass its `rowStride` (often larger
 * than the width: the row padding is skipped by the core).
 */
class LumaFrame private constructor(
    val width: Int,
    val height: Int,
    val rowStride: Int,
    /** Direct, position 0, exactly the bytes the frame needs or more. */
    val buffer: ByteBuffer,
) {
    /**
     * What the QR codes in the frame are (previews: names and kinds, never a secret); `thorough`
     * for a still picture, false for a live preview. To save one, call [enrollInto] on the frame.
     */
    fun decode(thorough: Boolean = false): List<QrPreview> =
        decodeQrFrame(width.toUInt(), height.toUInt(), rowStride.toUInt(), buffer, thorough)

    /** Enrolls the first authenticator code in the frame (`NotAQrCode`: keep scanning). */
    fun enrollInto(authenticator: Authenticator, onConflict: OnConflict = OnConflict.REJECT): EnrollReport =
        authenticator.enrollFrame(width.toUInt(), height.toUInt(), rowStride.toUInt(), buffer, onConflict)

    companion object {
        /** Bytes a plane of this shape needs: every row but the last is padded to the stride. */
        fun requiredBytes(width: Int, height: Int, rowStride: Int): Long {
            checkShape(width, height, rowStride)
            return if (height == 0) 0L else rowStride.toLong() * (height - 1) + width
        }

        /** A frame over `buffer` from its position to its limit (sliced if direct, else copied). */
        fun of(buffer: ByteBuffer, width: Int, height: Int, rowStride: Int = width): LumaFrame {
            val needed = requiredBytes(width, height, rowStride)
            require(buffer.remaining() >= needed) {
                "a ${width}x$height plane with row stride $rowStride needs $needed bytes, got ${buffer.remaining()}"
            }
            val direct = if (buffer.isDirect) {
                buffer.slice()
            } else {
                ByteBuffer.allocateDirect(buffer.remaining()).put(buffer.duplicate()).also { it.flip() }
            }
            return LumaFrame(width, height, rowStride, direct)
        }

        /** A frame copied from `bytes[offset ...]` (a grayscale image, a test fixture). */
        fun of(bytes: ByteArray, width: Int, height: Int, rowStride: Int = width, offset: Int = 0): LumaFrame {
            require(offset in 0..bytes.size) { "offset $offset outside 0..${bytes.size}" }
            return of(ByteBuffer.wrap(bytes, offset, bytes.size - offset), width, height, rowStride)
        }

        private fun checkShape(width: Int, height: Int, rowStride: Int) {
            require(width >= 0 && height >= 0) { "negative size ${width}x$height" }
            require(rowStride >= width) { "row stride $rowStride is less than the width $width" }
        }
    }
}
