// Apple-only. The device key that opens the vault: 256 bits in the Keychain, readable only on this
// device, only while a passcode is set, and only after Face ID / Touch ID / the passcode
// (SecAccessControl .userPresence). It seals the vault key with AES-GCM; the vault key itself
// never enters the Keychain. Removing the passcode deletes the item: the recovery passphrase opens
// the vault then (AppModel's .recover screen).
import CryptoKit
import Foundation
import Kunci
import LocalAuthentication
import Security

final class KeychainDeviceKey: KeyWrapper, @unchecked Sendable { // Keychain calls are thread-safe
    private let service = "app.kunci.device-key"
    /// The context a successful unlock prompt left behind, so the Keychain does not prompt twice.
    var context: LAContext?

    func wrap(key: Data) throws -> Data {
        let k = try load() ?? create()
        guard let sealed = try? AES.GCM.seal(key, using: k).combined else {
            throw KunciError.KeyUnavailable(detail: "AES-GCM sealing failed")
        }
        return sealed
    }

    func unwrapKey(wrapped: Data) throws -> Data {
        guard let k = try load() else { throw KunciError.KeyUnavailable(detail: "no device key on this phone") }
        guard let box = try? AES.GCM.SealedBox(combined: wrapped), let key = try? AES.GCM.open(box, using: k) else {
            throw KunciError.KeyUnavailable(detail: "the device key does not open this vault")
        }
        return key
    }

    private func load() throws -> SymmetricKey? {
        var query: [String: Any] = [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service,
                                    kSecReturnData as String: true, kSecMatchLimit as String: kSecMatchLimitOne]
        if let context { query[kSecUseAuthenticationContext as String] = context }
        var item: CFTypeRef?
        switch SecItemCopyMatching(query as CFDictionary, &item) {
        case errSecSuccess:
            guard let data = item as? Data, data.count == 32 else { throw KunciError.KeyUnavailable(detail: "bad Keychain item") }
            return SymmetricKey(data: data)
        case errSecItemNotFound: return nil
        case let status: throw KunciError.KeyUnavailable(detail: "Keychain read failed (\(status))")
        }
    }

    private func create() throws -> SymmetricKey {
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(nil, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly,
                                                           .userPresence, &error) else {
            throw KunciError.KeyUnavailable(detail: "no passcode on this phone")
        }
        let key = SymmetricKey(size: .bits256)
        let add: [String: Any] = [kSecClass as String: kSecClassGenericPassword, kSecAttrService as String: service,
                                  kSecAttrAccessControl as String: access,
                                  kSecValueData as String: key.withUnsafeBytes { Data($0) }]
        let status = SecItemAdd(add as CFDictionary, nil)
        guard status == errSecSuccess else { throw KunciError.KeyUnavailable(detail: "Keychain write failed (\(status))") }
        return key
    }
}
