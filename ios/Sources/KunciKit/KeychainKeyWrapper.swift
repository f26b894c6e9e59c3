// KeyWrapper on Apple platforms: a random 256-bit key in the Keychain, only readable on this
// device while it is unlocked, seals the vault key with AES-GCM (CryptoKit). The vault key never
// touches the Keychain itself; losing the Keychain item means the passphrase slot is needed.
#if canImport(Security) && canImport(CryptoKit)
import CryptoKit
import Foundation
import Kunci
import Security

public final class KeychainKeyWrapper: KeyWrapper {
    private let service: String
    private let account: String

    public init(service: String = "app.kunci.vault-key", account: String = "default") {
        self.service = service
        self.account = account
    }

    public func wrap(key: Data) throws -> Data {
        let wrappingKey = try loadKey() ?? createKey()
        do {
            guard let sealed = try AES.GCM.seal(key, using: wrappingKey).combined else {
                throw PlatformError.Failed(reason: "AES-GCM returned no combined box")
            }
            return sealed
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError.KeyUnavailable(reason: "cannot seal with the Keychain key: \(error.localizedDescription)")
        }
    }

    public func unwrapKey(wrapped: Data) throws -> Data {
        guard let wrappingKey = try loadKey() else {
            throw PlatformError.KeyUnavailable(reason: "the Keychain key is gone (restored to another device?)")
        }
        do {
            return try AES.GCM.open(AES.GCM.SealedBox(combined: wrapped), using: wrappingKey)
        } catch {
            throw PlatformError.KeyUnavailable(reason: "the Keychain key does not open this vault")
        }
    }

    private var baseQuery: [String: Any] {
        [kSecClass as String: kSecClassGenericPassword,
         kSecAttrService as String: service,
         kSecAttrAccount as String: account]
    }

    private func loadKey() throws -> SymmetricKey? {
        var query = baseQuery
        query[kSecReturnData as String] = true
        query[kSecMatchLimit as String] = kSecMatchLimitOne
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            guard let data = item as? Data, data.count == 32 else {
                throw PlatformError.KeyUnavailable(reason: "the Keychain item is not a 256-bit key")
            }
            return SymmetricKey(data: data)
        case errSecItemNotFound:
            return nil
        default:
            throw PlatformError.KeyUnavailable(reason: "Keychain read failed (\(status)); is the device locked?")
        }
    }

    private func createKey() throws -> SymmetricKey {
        let key = SymmetricKey(size: .bits256)
        var add = baseQuery
        add[kSecValueData as String] = key.withUnsafeBytes { Data($0) }
        add[kSecAttrAccessible as String] = kSecAttrAccessibleWhenUnlockedThisDeviceOnly
        let status = SecItemAdd(add as CFDictionary, nil)
        switch status {
        case errSecSuccess:
            return key
        case errSecDuplicateItem:
            // Another thread created it first: use theirs.
            guard let existing = try loadKey() else {
                throw PlatformError.KeyUnavailable(reason: "Keychain key vanished while being created")
            }
            return existing
        default:
            throw PlatformError.KeyUnavailable(reason: "Keychain write failed (\(status))")
        }
    }
}
#endif
