package androidx.annotation

/**
 * Compile-time stand-in for androidx.annotation.RequiresApi (Google Maven, not Maven Central),
 * used only by tests/kotlin/android-compile.xml to compile the Android-flavoured bindings. The
 * Gradle build uses the real androidx.annotation artifact.
 */
@Retention(AnnotationRetention.BINARY)
@Target(
    AnnotationTarget.TYPE, AnnotationTarget.FUNCTION, AnnotationTarget.CONSTRUCTOR,
    AnnotationTarget.FIELD, AnnotationTarget.CLASS, AnnotationTarget.FILE,
)
annotation class RequiresApi(val value: Int = 1, val api: Int = 1)
