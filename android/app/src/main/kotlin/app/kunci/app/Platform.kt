//! The real platform pieces behind the seams of Services.kt: the biometric / device-credential
//! prompt (androidx.biometric) and the camera as Camera2 + ImageReader delivering the Y plane of
//! YUV_420_888 frames without copying (CameraX is not available to this build), and Android's
//! own decoders for pictures the core cannot open. Compiled here against android-all; they need
//! a device to run, so the UI tests use fakes for them.
package app.kunci.app

import android.annotation.SuppressLint
import android.content.Context
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.ImageFormat
import android.hardware.camera2.CameraCaptureSession
import android.hardware.camera2.CameraCharacteristics
import android.hardware.camera2.CameraDevice
import android.hardware.camera2.CameraManager
import android.hardware.camera2.CaptureRequest
import android.media.ImageReader
import android.os.Build
import android.os.Handler
import android.os.HandlerThread
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import app.kunci.LumaFrame
import java.io.ByteArrayOutputStream

class BiometricAuthenticator(private val activity: MainActivity) : UserAuthenticator {
    override fun authenticate(onResult: (Boolean) -> Unit) {
        val allowed = allowedAuthenticators()
        if (BiometricManager.from(activity).canAuthenticate(allowed) != BiometricManager.BIOMETRIC_SUCCESS) {
            // No lock screen set up: nothing to check against; the vault key still needs the device.
            onResult(true)
            return
        }
        val prompt = BiometricPrompt(
            activity, ContextCompat.getMainExecutor(activity),
            object : BiometricPrompt.AuthenticationCallback() {
                override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) = onResult(true)
                override fun onAuthenticationError(errorCode: Int, errString: CharSequence) = onResult(false)
            },
        )
        val info = BiometricPrompt.PromptInfo.Builder()
            .setTitle(activity.getString(R.string.unlock_prompt_title))
            .setAllowedAuthenticators(allowed)
            .build()
        prompt.authenticate(info)
    }
}

/**
 * What may unlock Kunci: a strong biometric or the screen lock (PIN, pattern, password), the pair
 * the app lock's Keystore key accepts. androidx.biometric refuses exactly that pair on Android 9
 * and 10 (API 28-29: `build()` throws, `canAuthenticate` says unsupported), so there the prompt
 * offers any biometric or the screen lock. The key decides in the end: on those versions it
 * needs a lock-screen-grade unlock within its validity window, so an unlock the Keystore does not
 * count makes the key refuse and the app ask again; it never opens the vault by itself.
 */
fun allowedAuthenticators(sdk: Int = Build.VERSION.SDK_INT): Int {
    val biometric = if (sdk == Build.VERSION_CODES.P || sdk == Build.VERSION_CODES.Q) {
        BiometricManager.Authenticators.BIOMETRIC_WEAK
    } else {
        BiometricManager.Authenticators.BIOMETRIC_STRONG
    }
    return biometric or BiometricManager.Authenticators.DEVICE_CREDENTIAL
}

/** The back camera through Camera2; each frame's Y plane (direct buffer) goes to `onFrame`. */
class Camera2FrameSource(private val context: Context) : FrameSource {
    private var thread: HandlerThread? = null
    private var device: CameraDevice? = null
    private var reader: ImageReader? = null

    @SuppressLint("MissingPermission") // The scan screen asks for CAMERA first; without it open() throws and we say so.
    override fun start(onFrame: (LumaFrame) -> Unit): Boolean = try {
        val manager = context.getSystemService(CameraManager::class.java) ?: throw IllegalStateException("no camera service")
        val id = manager.cameraIdList.firstOrNull {
            manager.getCameraCharacteristics(it).get(CameraCharacteristics.LENS_FACING) == CameraCharacteristics.LENS_FACING_BACK
        } ?: manager.cameraIdList.firstOrNull() ?: throw IllegalStateException("no camera")
        val t = HandlerThread("kunci-camera").also { it.start(); thread = it }
        val handler = Handler(t.looper)
        val r = ImageReader.newInstance(WIDTH, HEIGHT, ImageFormat.YUV_420_888, 2).also { reader = it }
        r.setOnImageAvailableListener({ rd ->
            rd.acquireLatestImage()?.use { image ->
                val y = image.planes[0]
                // The core reads the plane in place (direct buffer, row stride honoured): no copy.
                onFrame(LumaFrame.of(y.buffer, image.width, image.height, y.rowStride))
            }
        }, handler)
        manager.openCamera(id, object : CameraDevice.StateCallback() {
            override fun onOpened(camera: CameraDevice) {
                device = camera
                startSession(camera, r, handler)
            }

            override fun onDisconnected(camera: CameraDevice) = camera.close()
            override fun onError(camera: CameraDevice, error: Int) = camera.close()
        }, handler)
        true
    } catch (e: SecurityException) {
        stop()
        false
    } catch (e: RuntimeException) {
        stop()
        false
    } catch (e: android.hardware.camera2.CameraAccessException) {
        stop()
        false
    }

    @Suppress("DEPRECATION") // createCaptureSession(List, …) is the API 26 form; minSdk is 26.
    private fun startSession(camera: CameraDevice, r: ImageReader, handler: Handler) {
        camera.createCaptureSession(listOf(r.surface), object : CameraCaptureSession.StateCallback() {
            override fun onConfigured(session: CameraCaptureSession) {
                val request = camera.createCaptureRequest(CameraDevice.TEMPLATE_PREVIEW).apply {
                    addTarget(r.surface)
                    set(CaptureRequest.CONTROL_AF_MODE, CaptureRequest.CONTROL_AF_MODE_CONTINUOUS_PICTURE)
                }.build()
                runCatching { session.setRepeatingRequest(request, null, handler) }
            }

            override fun onConfigureFailed(session: CameraCaptureSession) = session.close()
        }, handler)
    }

    override fun stop() {
        runCatching { device?.close() }
        runCatching { reader?.close() }
        thread?.quitSafely()
        device = null
        reader = null
        thread = null
    }

    private companion object {
        const val WIDTH = 1280
        const val HEIGHT = 720
    }
}

/**
 * Pictures the core cannot open, through Android's own decoders (HEIF photos on Android 9+, GIF,
 * BMP, photos over the core's pixel cap): decoded at the power-of-two sample size that brings the
 * long side to at most `maxSide` (never the full-size bitmap), re-encoded as a JPEG in memory.
 * Nothing is written to disk: the picture holds a secret.
 */
object BitmapPictureConverter : PictureConverter {
    override fun convert(picture: ByteArray, maxSide: Int): ByteArray? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        BitmapFactory.decodeByteArray(picture, 0, picture.size, bounds)
        if (bounds.outWidth <= 0 || bounds.outHeight <= 0) return null
        var sample = 1
        while (maxOf(bounds.outWidth, bounds.outHeight) / sample > maxSide) sample *= 2
        val options = BitmapFactory.Options().apply { inSampleSize = sample }
        val bitmap = BitmapFactory.decodeByteArray(picture, 0, picture.size, options) ?: return null
        return try {
            ByteArrayOutputStream().use { out ->
                if (bitmap.compress(Bitmap.CompressFormat.JPEG, 95, out)) out.toByteArray() else null
            }
        } finally {
            bitmap.recycle()
        }
    }
}
