// The Kunci Android library: generated UniFFI bindings + the thin Kotlin API + platform adapters,
// and the core's .so files. Build the native parts first: scripts/build-android (repo root).
plugins {
    alias(libs.plugins.android.library)
    alias(libs.plugins.kotlin.android)
}

// Where scripts/build-android writes the Android-flavoured bindings (target/bindings/android).
val bindingsDir: File = providers.gradleProperty("kunci.bindingsDir").orNull?.let(::file)
    ?: rootDir.resolve("../target/bindings/android/kotlin")

android {
    namespace = "app.kunci"
    compileSdk = 35

    defaultConfig {
        minSdk = 26
        consumerProguardFiles("consumer-rules.pro")
    }

    sourceSets["main"].apply {
        // src/main/kotlin: pure Kotlin, also compiled and tested on the JVM by tests/kotlin.
        // src/androidMain/kotlin: Keystore, boot clock, HTTPS Date, clipboard (android.* APIs).
        kotlin.srcDirs("src/main/kotlin", "src/androidMain/kotlin", bindingsDir)
        jniLibs.srcDirs("src/main/jniLibs")
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    jvmToolchain(17)
    compilerOptions { allWarningsAsErrors.set(true) }
}

dependencies {
    // JNA's Android artifact carries libjnidispatch.so for every ABI (the plain jar does not).
    implementation(variantOf(libs.jna) { artifactType("aar") })
    // KunciVault's API takes a CoroutineDispatcher.
    api(libs.kotlinx.coroutines.core)
    // @RequiresApi in the generated bindings (android = true).
    implementation(libs.androidx.annotation)
}

val checkNativeParts by tasks.registering {
    val kt = bindingsDir.resolve("app/kunci/kunci.kt")
    val libs = file("src/main/jniLibs")
    doLast {
        check(kt.isFile) { "missing $kt: run scripts/build-android from the repository root" }
        check(libs.walkTopDown().any { it.name == "libkunci.so" }) { "no libkunci.so under $libs: run scripts/build-android" }
    }
}
tasks.named("preBuild") { dependsOn(checkNativeParts) }
