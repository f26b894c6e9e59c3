//! A key in the phone's key store that wraps the vault key, with what the app lock needs beyond
//! the core's wrap / unwrap: whether the key can be used now (without using it on a secret), and
//! deleting it once its vault slot is gone. The Android Keystore implements it
//! (`KeystoreKeyWrapper`); the UI tests use in-memory fakes.
package app.kunci

/** What a [DeviceKey] can do right now. */
enum class DeviceKeyState {
    /** Usable: wrap and unwrap work. */
    READY,

    /** Usable only shortly after the user proved who they are (biometrics or the device credential). */
    NEEDS_USER,

    /** Gone for good (the phone's screen lock was removed or its biometrics changed): the
     *  recovery passphrase is the way in. */
    INVALIDATED,

    /** Not in the key store (never made, or deleted). */
    MISSING,

    /** The key store failed for another reason. */
    FAILED,
}

interface DeviceKey : KeyWrapper {
    /** Whether the key can be used now; never throws. */
    fun state(): DeviceKeyState

    /** Removes the key from the key store (nothing if absent); call after its slot was replaced. */
    fun delete()
}
