// Adding an account, bound to EnrollViewModel: camera (CameraFrameSource), a picked picture, a
// pasted link, the manual form with its field errors; then the report, a Google batch's progress,
// or the duplicate question.
import AVFoundation
import KunciAppLogic
import PhotosUI
import SwiftUI
import UIKit

struct EnrollView: View {
    @ObservedObject var enroll: EnrollViewModel
    let l: Localizer
    @Environment(\.dismiss) private var dismiss
    @State private var photo: PhotosPickerItem?
    @State private var camera: CameraFrameSource?
    /// The manual form is up (AppModel.route, so it comes back after the app was killed).
    @Binding var manual: Bool

    var body: some View {
        NavigationStack {
            Form {
                if let camera {
                    Section(l["enroll.scanHint"]) { CameraPreview(session: camera.session).frame(height: 320) }
                } else {
                    Button(l["enroll.scan"]) { startCamera() }
                }
                PhotosPicker(l["enroll.photo"], selection: $photo, matching: .images)
                Button(l["enroll.paste"]) {
                    let text = UIPasteboard.general.string ?? ""
                    Task { await enroll.enroll(text: text) }
                }
                Button(l["enroll.manual"]) { manual = true }
                if let report = enroll.report { ReportSection(report: report, l: l) }
                if let problem = enroll.problem {
                    Section { Text(problem.message).foregroundStyle(.red); Text(problem.detail).font(.footnote) }
                }
            }
            .navigationTitle(l["enroll.title"])
            .toolbar { Button(l["action.ok"]) { enroll.stopScanning(); dismiss() } }
            .overlay { if enroll.busy { ProgressView() } }
            .onChange(of: photo) { item in
                guard let item else { return }
                photo = nil
                Task {
                    // loadTransferable and the decode both run off the main actor.
                    if let data = try? await item.loadTransferable(type: Data.self) { await enroll.enroll(image: data) }
                }
            }
            .onChange(of: enroll.scanning) { scanning in if !scanning { camera = nil } }
            .sheet(isPresented: $manual) { ManualEntryView(enroll: enroll, l: l) }
            .confirmationDialog(enroll.duplicate?.question ?? "", isPresented: Binding(
                get: { enroll.duplicate != nil }, set: { if !$0 { enroll.dismissDuplicate() } }), titleVisibility: .visible,
                presenting: enroll.duplicate) { d in
                Button(l["enroll.duplicate.replace"]) { Task { await enroll.decide(.replace, for: d) } }
                Button(l["enroll.duplicate.keepBoth"]) { Task { await enroll.decide(.keepBoth, for: d) } }
                Button(l["action.cancel"], role: .cancel) { enroll.dismissDuplicate() }
            }
            .onDisappear { enroll.stopScanning() }
        }
    }

    private func startCamera() {
        let source = CameraFrameSource()
        guard source.configure() else {
            enroll.problem = Problem(key: "error.unreadableImage", l)
            return
        }
        camera = source
        enroll.startScanning(source)
    }
}

private struct ReportSection: View {
    let report: EnrollViewModel.Report
    let l: Localizer
    var body: some View {
        Section(l["enroll.added"]) {
            ForEach(report.added, id: \.self) { Label($0, systemImage: "checkmark.circle") }
            if let batch = report.batch { Text(batch).bold() }
            ForEach(report.lines, id: \.self) { Text($0).font(.footnote) }
        }
    }
}

private struct CameraPreview: UIViewRepresentable {
    let session: AVCaptureSession
    func makeUIView(context: Context) -> PreviewView {
        let view = PreviewView()
        view.preview.session = session
        view.preview.videoGravity = .resizeAspectFill
        return view
    }
    func updateUIView(_ view: PreviewView, context: Context) {}
    final class PreviewView: UIView {
        override class var layerClass: AnyClass { AVCaptureVideoPreviewLayer.self }
        var preview: AVCaptureVideoPreviewLayer { layer as! AVCaptureVideoPreviewLayer } // layerClass above
    }
}

struct ManualEntryView: View {
    @ObservedObject var enroll: EnrollViewModel
    let l: Localizer
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        NavigationStack {
            Form {
                field(.issuer, l["form.issuer"], $enroll.form.issuer)
                field(.account, l["form.account"], $enroll.form.account)
                field(.secret, l["form.secret"], $enroll.form.secret)
                Section(l["form.advanced"]) {
                    Picker(l["form.type"], selection: $enroll.form.kind) {
                        ForEach(ManualEntry.Kind.allCases, id: \.self) { Text($0.rawValue.uppercased()) }
                    }
                    Picker(l["form.algorithm"], selection: $enroll.form.algorithm) {
                        ForEach(ManualEntry.Algorithm.allCases, id: \.self) { Text($0.rawValue) }
                    }
                    field(.digits, l["form.digits"], $enroll.form.digits).keyboardType(.numberPad)
                    if enroll.form.kind == .totp {
                        field(.period, l["form.period"], $enroll.form.period).keyboardType(.numberPad)
                    } else {
                        field(.counter, l["form.counter"], $enroll.form.counter).keyboardType(.numberPad)
                    }
                }
                Button(l["action.save"]) {
                    Task {
                        await enroll.submitForm()
                        if enroll.formErrors.isEmpty && enroll.problem == nil { dismiss() }
                    }
                }
            }
            .navigationTitle(l["enroll.manual"])
        }
    }

    private func field(_ f: ManualEntry.Field, _ title: String, _ text: Binding<String>) -> some View {
        VStack(alignment: .leading) {
            TextField(title, text: text).autocorrectionDisabled().textInputAutocapitalization(.never)
            if let error = enroll.formErrors[f] { Text(error).font(.footnote).foregroundStyle(.red) }
        }
    }
}
