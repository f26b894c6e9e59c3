//! The Android Keystore behind the core's KeyWrapper: the everyday key and the app lock's key that needs the user.
package app.kunci.android

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.UserNotAuthenticatedException
import app.kunci.DeviceKey
import app.kunci.DeviceKeyState
import app.kunci.PlatformException
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.ProviderException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The vault key wrapped by an AES-256-GCM key in the Android Keystore: generated inside the
 * Keystore, never exportable. Output: 12-byte IV + ciphertext + 16-byte tag. Failures become
 * `KeyUnavailable` (the app then asks for the user or the recovery passphrase).
 *
 * Two of these exist, under their own aliases: the everyday key (usable any time, so background
 * time sync works with the phone locked) and, with the app lock on, a key that needs the user:
 * usable for [AUTH_VALIDITY_S] seconds after they proved who they are with a strong biometric or
 * the device credential (the prompt shown just before). The app swaps the vault's platform slot
 * from one to the other and deletes the key it no longer uses.
 *
 * Such a key is invalidated for good when the secure lock screen is removed (and, on keys allowed
 * by biometrics alone, by a new fingerprint; ours also accept the device credential, which keeps
 * them across biometric changes). The Keystore then throws `KeyPermanentlyInvalidatedException`,
 * which [state] reports as [DeviceKeyState.INVALIDATED].
 */
class KeystoreKeyWrapper(
    private val alias: String,
    private val requireUserAuth: Boolean,
) : DeviceKey {

    override fun wrap(key: ByteArray): ByteArray = guarded {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, secretKey(create = true))
        cipher.iv + cipher.doFinal(key)
    }

    override fun unwrapKey(wrapped: ByteArray): ByteArray = guarded {
        if (wrapped.size < IV_BYTES + TAG_BITS / 8) {
            throw PlatformException.KeyUnavailable("The device key data is damaged.")
        }
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.DECRYPT_MODE, secretKey(create = false), GCMParameterSpec(TAG_BITS, wrapped, 0, IV_BYTES))
        cipher.doFinal(wrapped, IV_BYTES, wrapped.size - IV_BYTES)
    }

    /** Starts an encryption (never finished, nothing is encrypted): the Keystore says at `init`
     *  whether the user is needed or the key was invalidated. */
    override fun state(): DeviceKeyState = try {
        val key = store().getKey(alias, null) as? SecretKey
        if (key == null) {
            DeviceKeyState.MISSING
        } else {
            Cipher.getInstance(TRANSFORMATION).init(Cipher.ENCRYPT_MODE, key)
            DeviceKeyState.READY
        }
    } catch (e: UserNotAuthenticatedException) {
        DeviceKeyState.NEEDS_USER
    } catch (e: KeyPermanentlyInvalidatedException) {
        DeviceKeyState.INVALIDATED
    } catch (e: GeneralSecurityException) {
        DeviceKeyState.FAILED
    } catch (e: ProviderException) {
        DeviceKeyState.FAILED
    }

    override fun delete() {
        try {
            store().deleteEntry(alias)
        } catch (e: GeneralSecurityException) {
            // Nothing left to protect if the store cannot even be read; the slot is already gone.
        }
    }

    private fun store(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    private fun secretKey(create: Boolean): SecretKey {
        (store().getKey(alias, null) as? SecretKey)?.let { return it }
        if (!create) throw PlatformException.KeyUnavailable("This device's key for the vault is gone; open it with your passphrase.")
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .apply { if (requireUserAuth) requireUser(this) }
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE).run {
            init(spec)
            generateKey()
        }
    }

    /** Needs the user within [AUTH_VALIDITY_S] seconds of a strong biometric or the device
     *  credential. Generation fails without a secure lock screen: the app says so. */
    @Suppress("DEPRECATION") // setUserAuthenticationValidityDurationSeconds is the only form before API 30.
    private fun requireUser(builder: KeyGenParameterSpec.Builder) {
        builder.setUserAuthenticationRequired(true)
        if (Build.VERSION.SDK_INT >= 30) {
            builder.setUserAuthenticationParameters(
                AUTH_VALIDITY_S,
                KeyProperties.AUTH_BIOMETRIC_STRONG or KeyProperties.AUTH_DEVICE_CREDENTIAL,
            )
        } else {
            // Before API 30 a positive duration accepts any lock-screen authentication.
            builder.setUserAuthenticationValidityDurationSeconds(AUTH_VALIDITY_S)
        }
    }

    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: PlatformException) {
        throw e
    } catch (e: UserNotAuthenticatedException) {
        throw PlatformException.KeyUnavailable("Unlock Kunci with your fingerprint or screen lock first.")
    } catch (e: KeyPermanentlyInvalidatedException) {
        throw PlatformException.KeyUnavailable("This device's key was invalidated; open the vault with your passphrase.")
    } catch (e: GeneralSecurityException) {
        throw PlatformException.KeyUnavailable("The device key store failed (${e.javaClass.simpleName}).")
    } catch (e: ProviderException) {
        throw PlatformException.KeyUnavailable("The device key store failed (${e.javaClass.simpleName}).")
    }

    companion object {
        /** The everyday key (no user needed) and the app lock's key (needs the user). */
        const val ALIAS = "kunci.vault.wrap"
        const val ALIAS_USER = "kunci.vault.wrap.user"
        private const val ANDROID_KEYSTORE = "AndroidKeyStore"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val IV_BYTES = 12
        private const val TAG_BITS = 128
        /** Long enough for the swap (wrap, then the core's check unwrap) after the prompt. */
        const val AUTH_VALIDITY_S = 30
    }
}
