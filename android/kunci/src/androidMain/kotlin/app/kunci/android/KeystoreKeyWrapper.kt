package app.kunci.android

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import app.kunci.KeyWrapper
import app.kunci.PlatformException
import java.security.GeneralSecurityException
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * The vault key wrapped by an AES-256-GCM key in the Android Keystore: generated inside the
 * Keystore (StrongBox when the device has it), never exportable. Output: 12-byte IV + ciphertext
 * + 16-byte tag. Failures become `KeyUnavailable` (the core shows "use your passphrase").
 */
class KeystoreKeyWrapper(
    private val alias: String = "kunci.vault.wrap",
    /**
     * The app lock: the key then only works for [AUTH_VALIDITY_S] after the user proved who they
     * are (biometrics or the device credential), so a stolen unlocked phone still cannot open the
     * vault once that window has passed. API 30+ (older devices: biometric prompt only).
     */
    private val requireUserAuth: Boolean = false,
) : KeyWrapper {

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

    private fun secretKey(create: Boolean): SecretKey {
        val store = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }
        (store.getKey(alias, null) as? SecretKey)?.let { return it }
        if (!create) throw PlatformException.KeyUnavailable("This device's key for the vault is gone; open it with your passphrase.")
        val spec = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .apply {
                if (requireUserAuth && Build.VERSION.SDK_INT >= 30) {
                    setUserAuthenticationRequired(true)
                    setUserAuthenticationParameters(
                        AUTH_VALIDITY_S,
                        KeyProperties.AUTH_BIOMETRIC_STRONG or KeyProperties.AUTH_DEVICE_CREDENTIAL,
                    )
                }
            }
            .build()
        return KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE).run {
            init(spec)
            generateKey()
        }
    }

    private inline fun <T> guarded(block: () -> T): T = try {
        block()
    } catch (e: PlatformException) {
        throw e
    } catch (e: KeyPermanentlyInvalidatedException) {
        throw PlatformException.KeyUnavailable("This device's key was invalidated; open the vault with your passphrase.")
    } catch (e: GeneralSecurityException) {
        throw PlatformException.KeyUnavailable("The device key store failed (${e.javaClass.simpleName}).")
    }

    private companion object {
        const val ANDROID_KEYSTORE = "AndroidKeyStore"
        const val TRANSFORMATION = "AES/GCM/NoPadding"
        const val IV_BYTES = 12
        const val TAG_BITS = 128
        const val AUTH_VALIDITY_S = 30
    }
}
