// Apple-only. The camera as a FrameSource: AVCaptureVideoDataOutput in bi-planar 4:2:0, each
// frame's luma plane (plane 0) handed to the app logic without copying while the buffer is
// locked (KunciKit's LumaFrame.withLumaPlane). Late frames are dropped by the output, so a slow
// decode never queues up; the session starts and stops off the main thread.
import AVFoundation
import KunciAppLogic
import KunciKit

final class CameraFrameSource: NSObject, FrameSource, AVCaptureVideoDataOutputSampleBufferDelegate {
    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "app.kunci.camera", qos: .userInitiated)
    private var handler: ((LumaFrame) -> Bool)?
    private var done = false // only touched on `queue`

    /// false when there is no camera (simulator) or access was refused.
    func configure() -> Bool {
        guard let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
              let input = try? AVCaptureDeviceInput(device: camera), session.canAddInput(input) else { return false }
        session.sessionPreset = .hd1280x720 // enough pixels for dense export codes, cheap to scan
        session.addInput(input)
        let output = AVCaptureVideoDataOutput()
        output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange]
        output.alwaysDiscardsLateVideoFrames = true
        output.setSampleBufferDelegate(self, queue: queue)
        guard session.canAddOutput(output) else { return false }
        session.addOutput(output)
        return true
    }

    func start(_ handler: @escaping (LumaFrame) -> Bool) {
        queue.async { [self] in
            self.handler = handler
            done = false
            session.startRunning()
        }
    }

    func stop() {
        queue.async { [self] in
            handler = nil
            session.stopRunning()
        }
    }

    func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer, from connection: AVCaptureConnection) {
        guard !done, let handler, let pixels = CMSampleBufferGetImageBuffer(sampleBuffer) else { return }
        if LumaFrame.withLumaPlane(of: pixels, handler) == true { done = true }
    }
}
