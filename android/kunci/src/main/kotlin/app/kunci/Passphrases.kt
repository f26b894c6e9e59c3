package app.kunci

import java.nio.CharBuffer

/**
 * Passphrases and passwords cross to the core as UTF-8 bytes, never as `String`s (a `String`
 * cannot be wiped and lives until the garbage collector moves on; issue 17, finding 8). The app
 * keeps them in a `CharArray` (what `EditText`/Compose can hand out) and wipes it itself; this
 * makes the UTF-8 copy the core needs, runs [block] with it, and wipes the copy and the encoder's
 * buffer afterwards. The core wipes its own copy when it is done.
 */
internal inline fun <T> withUtf8(chars: CharArray?, block: (ByteArray?) -> T): T {
    if (chars == null) return block(null)
    val encoded = Charsets.UTF_8.newEncoder().encode(CharBuffer.wrap(chars))
    val bytes = ByteArray(encoded.remaining())
    encoded.get(bytes)
    if (encoded.hasArray()) encoded.array().fill(0)
    try {
        return block(bytes)
    } finally {
        bytes.fill(0)
    }
}

/** Two at once (a passphrase change), both wiped afterwards. */
internal inline fun <T> withUtf8(a: CharArray, b: CharArray, block: (ByteArray, ByteArray) -> T): T =
    withUtf8(a) { x -> withUtf8(b) { y -> block(x!!, y!!) } }
