// First run (recovery passphrase), a vault that needs its passphrase, and the lock screen: text
// fields and buttons bound to AppModel.
import KunciAppLogic
import SwiftUI

struct PassphraseSetupView: View {
    @ObservedObject var model: AppModel
    @State private var passphrase = ""
    @State private var confirm = ""

    var body: some View {
        Form {
            Section { Text(model.l["setup.body"]) }
            Section {
                SecureField(model.l["setup.passphrase"], text: $passphrase).textContentType(.newPassword)
                SecureField(model.l["setup.confirm"], text: $confirm).textContentType(.newPassword)
                if let problem = model.problem { Text(problem.message).foregroundStyle(.red) }
            }
            Button(model.l["setup.create"]) { Task { await model.create(passphrase: passphrase, confirm: confirm) } }
                .disabled(model.working)
        }
        .navigationTitle(model.l["setup.title"])
        .overlay { if model.working { ProgressView() } }
    }
}

struct RecoverView: View {
    @ObservedObject var model: AppModel
    @State private var passphrase = ""

    var body: some View {
        Form {
            Section(model.l["recover.title"]) { Text(model.l["recover.body"]) }
            SecureField(model.l["setup.passphrase"], text: $passphrase)
            if let problem = model.problem { Text(problem.message).foregroundStyle(.red) }
            Button(model.l["recover.open"]) { Task { await model.recover(passphrase: passphrase) } }.disabled(model.working)
        }
    }
}

struct LockView: View {
    @ObservedObject var model: AppModel
    @State private var passphrase = ""
    @State private var usePassphrase = false

    var body: some View {
        VStack(spacing: 16) {
            Image(systemName: "lock.fill").font(.largeTitle)
            Text(model.l["lock.title"]).font(.title2)
            if let problem = model.problem { Text(problem.message).foregroundStyle(.red).multilineTextAlignment(.center) }
            Button(model.l["lock.unlock"]) { Task { await model.unlock() } }.buttonStyle(.borderedProminent)
            Button(model.l["lock.usePassphrase"]) { usePassphrase = true }
            if usePassphrase {
                SecureField(model.l["setup.passphrase"], text: $passphrase).textFieldStyle(.roundedBorder)
                Button(model.l["lock.unlock"]) { Task { await model.unlock(passphrase: passphrase) } }
            }
        }
        .padding() // AppModel.start prompts at launch; after a background lock the user taps Unlock
    }
}
