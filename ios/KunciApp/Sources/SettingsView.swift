// Settings bound to SettingsViewModel: lock timeout, changing the recovery passphrase, and the
// testers' time sources (NTP host:port, HTTPS URLs, quorum) with their field errors.
import KunciAppLogic
import SwiftUI

struct SettingsView: View {
    /// Made once per presentation, so what was typed survives the list behind re-rendering.
    @StateObject private var settings: SettingsViewModel
    let l: Localizer
    @State private var old = ""
    @State private var new = ""
    @State private var confirm = ""

    init(model: AppModel, l: Localizer) {
        _settings = StateObject(wrappedValue: model.makeSettings())
        self.l = l
    }

    var body: some View {
        NavigationStack {
            Form {
                Section(l["settings.lockSection"]) {
                    Picker(l["lock.after"], selection: Binding(get: { settings.lockAfter }, set: { settings.lockAfter = $0 })) {
                        ForEach(settings.lockChoices, id: \.seconds) { Text($0.label).tag($0.seconds) }
                    }
                }
                Section(l["settings.passphraseSection"]) {
                    SecureField(l["settings.oldPassphrase"], text: $old)
                    SecureField(l["settings.newPassphrase"], text: $new)
                    SecureField(l["setup.confirm"], text: $confirm)
                    Button(l["action.save"]) { Task { await settings.changePassphrase(old: old, new: new, confirm: confirm) } }
                        .disabled(settings.working)
                    if settings.passphraseChanged { Text(l["settings.passphraseChanged"]) }
                    if let problem = settings.problem { Text(problem.message).foregroundStyle(.red) }
                }
                Section(l["qa.title"]) {
                    Text(l["qa.hint"]).font(.footnote)
                    qaField(l["qa.ntp"], $settings.qaNtp, .ntp)
                    qaField(l["qa.https"], $settings.qaHttps, .https)
                    qaField(l["qa.quorum"], $settings.qaQuorum, .quorum)
                    Text(settings.quorumInUse).font(.footnote).foregroundStyle(.secondary)
                    Button(l["action.save"]) { settings.saveTimeSources() }
                    Button(l["qa.reset"]) { settings.resetTimeSources() }
                    if let notice = settings.qaNotice { Text(notice).font(.footnote) }
                }
                Section { Text(l["settings.language"]).font(.footnote) }
            }
            .navigationTitle(l["settings.title"])
        }
    }

    private func qaField(_ title: String, _ text: Binding<String>, _ field: TimeSources.Field) -> some View {
        VStack(alignment: .leading) {
            TextField(title, text: text).autocorrectionDisabled().textInputAutocapitalization(.never)
            if let error = settings.qaErrors[field] { Text(error).font(.footnote).foregroundStyle(.red) }
        }
    }
}
