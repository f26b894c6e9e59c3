// Camera scanning: AVFoundation video frames, luma plane straight into the core (zero-copy).
// Frames without a code are dropped quietly; the first enrolled code (or a duplicate to decide)
// ends the scan.
import AVFoundation
import Kunci
import KunciKit
import SwiftUI
import UIKit

enum ScanOutcome {
    case enrolled(EnrollReport)
    case duplicate(uri: String, existingId: Int64)
    case failed(Error)
}

struct ScannerView: UIViewControllerRepresentable {
    @EnvironmentObject private var model: AppModel
    let onDone: (ScanOutcome) -> Void

    func makeUIViewController(context: Context) -> ScannerController {
        ScannerController(vault: model.vault, onDone: onDone)
    }

    func updateUIViewController(_ controller: ScannerController, context: Context) {}
}

final class ScannerController: UIViewController {
    private let session = AVCaptureSession()
    private let reader: FrameReader
    private let onDone: (ScanOutcome) -> Void

    init(vault: KunciVault?, onDone: @escaping (ScanOutcome) -> Void) {
        reader = FrameReader(vault: vault, onDone: onDone)
        self.onDone = onDone
        super.init(nibName: nil, bundle: nil)
    }

    @available(*, unavailable)
    required init?(coder: NSCoder) { fatalError("not used from storyboards") }

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        guard let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
              let input = try? AVCaptureDeviceInput(device: camera), session.canAddInput(input) else {
            onDone(.failed(KunciError.UnreadableImage(detail: "No camera available. Import a screenshot instead.")))
            return
        }
        session.sessionPreset = .hd1280x720 // enough pixels for dense export codes, cheap to scan
        session.addInput(input)
        let output = AVCaptureVideoDataOutput()
        output.videoSettings = [kCVPixelBufferPixelFormatTypeKey as String: kCVPixelFormatType_420YpCbCr8BiPlanarFullRange]
        output.alwaysDiscardsLateVideoFrames = true
        output.setSampleBufferDelegate(reader, queue: reader.queue)
        if session.canAddOutput(output) { session.addOutput(output) }
        let preview = AVCaptureVideoPreviewLayer(session: session)
        preview.videoGravity = .resizeAspectFill
        preview.frame = view.layer.bounds
        view.layer.addSublayer(preview)
    }

    override func viewWillAppear(_ animated: Bool) {
        super.viewWillAppear(animated)
        let session = self.session
        reader.queue.async { session.startRunning() } // blocking call: off the main thread
    }

    override func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        let session = self.session
        reader.queue.async { session.stopRunning() }
    }

    override func viewDidLayoutSubviews() {
        super.viewDidLayoutSubviews()
        view.layer.sublayers?.first { $0 is AVCaptureVideoPreviewLayer }?.frame = view.layer.bounds
    }
}

/// Receives frames on its own serial queue and hands each luma plane to the core while the pixel
/// buffer is locked. Late frames are discarded by the output, so a slow decode never queues up.
final class FrameReader: NSObject, AVCaptureVideoDataOutputSampleBufferDelegate {
    let queue = DispatchQueue(label: "app.kunci.scanner.frames", qos: .userInitiated)
    private let vault: KunciVault?
    private let onDone: (ScanOutcome) -> Void
    private var finished = false // only touched on `queue`

    init(vault: KunciVault?, onDone: @escaping (ScanOutcome) -> Void) {
        self.vault = vault
        self.onDone = onDone
    }

    func captureOutput(_ output: AVCaptureOutput, didOutput sampleBuffer: CMSampleBuffer, from connection: AVCaptureConnection) {
        guard !finished, let vault, let pixels = CMSampleBufferGetImageBuffer(sampleBuffer) else { return }
        let outcome: ScanOutcome? = LumaFrame.withLumaPlane(of: pixels) { frame -> ScanOutcome? in
            do {
                return .enrolled(try vault.enrollNow(frame: frame, onConflict: .reject))
            } catch let error as KunciError where error.isNoCodeInFrame {
                return nil // keep scanning
            } catch let KunciError.DuplicateAccount(existingId, _) {
                // Still inside the lock: read the payload so the user can choose for it.
                guard let uri = try? frame.decode().compactMap(\.text).first else { return nil }
                return .duplicate(uri: uri, existingId: existingId)
            } catch {
                return .failed(error)
            }
        } ?? nil
        guard let outcome else { return }
        finished = true
        DispatchQueue.main.async { [onDone] in onDone(outcome) }
    }
}
