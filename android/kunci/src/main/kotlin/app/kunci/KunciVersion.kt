package app.kunci

/**
 * Placeholder for the Android library's thin Kotlin API (replaced with the real one). Pure Kotlin,
 * no android.* imports: tests/kotlin compiles it on a plain JVM together with the generated bindings.
 */
object KunciVersion {
    /** The Rust core's version, as the app's About screen shows it. */
    val core: String
        get() = kunciVersion()
}
