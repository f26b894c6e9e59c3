package app.kunci.app

import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.remember
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import app.kunci.Authenticator
import app.kunci.KunciException
import app.kunci.LumaFrame
import app.kunci.OnConflict
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

/**
 * Feeds the camera's Y plane to the core, zero-copy: CameraX's plane buffer is direct, and
 * [LumaFrame.of] keeps the plane's row stride (rows are often padded past the width). Runs on
 * the analysis thread; `NotAQrCode` just means "next frame" (the core spreads its retries over
 * frames within a time budget).
 */
class QrFrameAnalyzer(
    private val authenticator: Authenticator,
    private val onConflict: () -> OnConflict,
    private val paused: () -> Boolean,
    private val enrolled: () -> Unit,
    private val conflict: (KunciException.DuplicateAccount) -> Unit,
) : ImageAnalysis.Analyzer {
    private val done = AtomicBoolean(false)

    override fun analyze(image: ImageProxy) {
        image.use {
            if (done.get() || paused()) return
            val y = it.planes[0]
            val frame = LumaFrame.of(y.buffer, it.width, it.height, y.rowStride)
            try {
                frame.enrollInto(authenticator, onConflict())
                done.set(true)
                enrolled()
            } catch (e: KunciException.DuplicateAccount) {
                conflict(e)
            } catch (e: KunciException) {
                // Not a QR code yet, or not an authenticator code: keep scanning.
            }
        }
    }
}

@Composable
fun QrScanner(analyzer: QrFrameAnalyzer, modifier: Modifier = Modifier) {
    val context = LocalContext.current
    val owner = LocalLifecycleOwner.current
    val executor = remember { Executors.newSingleThreadExecutor() }
    DisposableEffect(Unit) {
        onDispose {
            ProcessCameraProvider.getInstance(context).get().unbindAll()
            executor.shutdown()
        }
    }
    AndroidView(
        modifier = modifier,
        factory = { ctx ->
            val view = PreviewView(ctx)
            val future = ProcessCameraProvider.getInstance(ctx)
            future.addListener({
                val provider = future.get()
                val preview = Preview.Builder().build().also { p -> p.setSurfaceProvider(view.surfaceProvider) }
                val analysis = ImageAnalysis.Builder()
                    .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                    .setOutputImageFormat(ImageAnalysis.OUTPUT_IMAGE_FORMAT_YUV_420_888)
                    .build()
                    .also { a -> a.setAnalyzer(executor, analyzer) }
                provider.unbindAll()
                provider.bindToLifecycle(owner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
            }, ContextCompat.getMainExecutor(ctx))
            view
        },
    )
}
