#!/usr/bin/env python3
# Fails when the Gradle version catalog (android/gradle/libs.versions.toml, for Android Studio)
# and the Maven build that scripts/test runs (tests/android/seed/pom.xml and pom.xml) name
# different versions of the same library: both must build the same app.
import os, re, sys, tomllib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
toml = tomllib.load(open(os.path.join(ROOT, "android/gradle/libs.versions.toml"), "rb"))["versions"]
seed = open(os.path.join(ROOT, "tests/android/seed/pom.xml"), encoding="utf-8").read()
pom = open(os.path.join(ROOT, "tests/android/pom.xml"), encoding="utf-8").read()


def dep(text, group, artifact):
    m = re.search(rf"<groupId>{re.escape(group)}</groupId><artifactId>{re.escape(artifact)}</artifactId>"
                  rf"<version>([^<]+)</version>", text)
    return m.group(1) if m else None


def prop(name):
    m = re.search(rf"<{re.escape(name)}>([^<]+)</{re.escape(name)}>", pom)
    return m.group(1) if m else None


# catalog key -> the version the Maven build uses
maven = {
    "kotlin": prop("kotlin.version"),
    "jna": prop("jna.version"),
    "coroutines": prop("coroutines.version"),
    "robolectric": prop("robolectric.version"),
    "compose-bom": dep(seed, "androidx.compose", "compose-bom"),
    "compose-ui": dep(seed, "androidx.compose.ui", "ui-android"),
    "material3": dep(seed, "androidx.compose.material3", "material3-android"),
    "activity-compose": dep(seed, "androidx.activity", "activity-compose"),
    "lifecycle": dep(seed, "androidx.lifecycle", "lifecycle-runtime-compose-android"),
    "core": dep(seed, "androidx.core", "core"),
    "biometric": dep(seed, "androidx.biometric", "biometric"),
    "work": dep(seed, "androidx.work", "work-runtime"),
    "androidx-test-core": dep(seed, "androidx.test", "core"),
    "androidx-test-ext-junit": dep(seed, "androidx.test.ext", "junit"),
    "junit4": dep(pom, "junit", "junit"),
}
drift = [f"{k}: Gradle {toml.get(k)} vs Maven {v}" for k, v in maven.items() if toml.get(k) != v]
if drift:
    print("check-versions: the Gradle and Maven builds name different versions:\n  " + "\n  ".join(drift), file=sys.stderr)
    sys.exit(1)
print(f"check-versions: {len(maven)} versions agree between Gradle and Maven", file=sys.stderr)
