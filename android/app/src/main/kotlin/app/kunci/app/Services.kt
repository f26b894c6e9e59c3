//! The app's seams: everything that touches hardware, the clock, the Keystore, the network or
//! the document picker sits behind these interfaces, so the UI tests run the real screens and
//! the real core with fakes for the rest (a boot clock they advance, an in-memory key wrapper,
//! a picker that hands over a file).
package app.kunci.app

import android.content.Context
import android.net.Uri
import app.kunci.BootClock
import app.kunci.HttpsDate
import app.kunci.DeviceKey
import java.io.File
import kotlinx.coroutines.CoroutineDispatcher

/** What the document picker (Storage Access Framework) returns: a Uri or nothing (cancelled). */
interface Documents {
    /** Pick a file to read (`types`: MIME types, for example `image/png`). */
    fun open(types: Array<String>, onResult: (Uri?) -> Unit)

    /** Pick where to write a new file named `name`. */
    fun create(name: String, onResult: (Uri?) -> Unit)
}

/** Biometric or device-credential check before the vault opens. */
interface UserAuthenticator {
    /** Calls `onResult(true)` once the user proved who they are, `false` if they gave up. */
    fun authenticate(onResult: (Boolean) -> Unit)
}

/** A source of camera frames (Camera2 on a phone, pictures in tests). */
interface FrameSource {
    /** Starts delivering frames to `onFrame` (any thread) until [stop]; false if unavailable. */
    fun start(onFrame: (app.kunci.LumaFrame) -> Unit): Boolean
    fun stop()
}

/**
 * The platform's own picture decoder, for a picture the core cannot open: a HEIF photo from the
 * camera, a GIF, a photo over the core's pixel cap. Returns the picture as a PNG or JPEG of at
 * most `maxSide` pixels a side, or null when the platform cannot read it either. Called on the
 * services' dispatcher.
 */
fun interface PictureConverter {
    fun convert(picture: ByteArray, maxSide: Int): ByteArray?
}

/** Everything the app needs from the platform; [KunciApplication.services] holds one. */
class Services(
    val dispatcher: CoroutineDispatcher,
    val bootClock: BootClock,
    /** The everyday device key: opens the vault without the user (background sync). */
    val keyWrapper: DeviceKey,
    /** The app lock's device key: opens the vault only shortly after the user's check. */
    val userKey: DeviceKey,
    val https: HttpsDate?,
    val vaultFile: File,
    val documents: (android.app.Activity) -> Documents,
    val userAuthenticator: (android.app.Activity) -> UserAuthenticator,
    val frameSource: (Context) -> FrameSource,
    /** Vault options (tests: a cheap Argon2); the QA time sources are added on top. */
    val options: app.kunci.AuthenticatorOptions = app.kunci.AuthenticatorOptions(
        httpsUrls = listOf("https://www.google.com/", "https://www.cloudflare.com/"),
    ),
    /** The background time before the app locks itself again. */
    val lockAfterMs: Long = 60_000,
    /** Opens the pictures the core cannot (HEIF, very large photos); null: none. */
    val pictures: PictureConverter? = null,
)
