// Settings bound to SettingsViewModel: lock timeout and changing the recovery passphrase.
import KunciAppLogic
import SwiftUI

struct SettingsView: View {
    @ObservedObject var settings: SettingsViewModel
    let l: Localizer
    @State private var old = ""
    @State private var new = ""
    @State private var confirm = ""

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
                Section { Text(l["settings.language"]).font(.footnote) }
            }
            .navigationTitle(l["settings.title"])
        }
    }
}
