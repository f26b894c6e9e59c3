//! Robolectric knows SDKs 21–35 and parses the app package with the newest one it knows, which
//! would download a second 190 MB android-all jar. This provider (found through
//! META-INF/services, preferred by its priority) knows only SDK 34, the one the tests run on and
//! scripts/test-android prefetches, so Robolectric stays offline with one jar.
package app.kunci.app

import java.util.TreeMap
import javax.annotation.Priority
import org.robolectric.internal.dependency.DependencyResolver
import org.robolectric.pluginapi.Sdk
import org.robolectric.plugins.DefaultSdkProvider

@Priority(10)
class OneSdkProvider(resolver: DependencyResolver) : DefaultSdkProvider(resolver) {
    override fun populateSdks(knownSdks: TreeMap<Int, Sdk>) {
        super.populateSdks(knownSdks)
        knownSdks.keys.retainAll(setOf(SDK))
    }

    companion object {
        const val SDK = 34
    }
}
