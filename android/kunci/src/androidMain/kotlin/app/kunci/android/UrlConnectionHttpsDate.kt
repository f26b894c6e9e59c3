package app.kunci.android

import app.kunci.HttpsDate
import app.kunci.PlatformException
import java.io.IOException
import java.net.HttpURLConnection
import java.net.URL

/**
 * The `Date` header of a HEAD request, a time source beside NTP. Only `https://` URLs count as
 * authenticated: the platform verified the certificate chain. (A wrong clock can make TLS fail
 * with "certificate not yet valid"; the core then relies on NTP.)
 */
class UrlConnectionHttpsDate(private val timeoutMs: Int = 3_000) : HttpsDate {
    override fun fetchDate(url: String): String {
        val connection = try {
            URL(url).openConnection() as HttpURLConnection
        } catch (e: IOException) {
            throw PlatformException.Failed("Cannot reach $url.")
        } catch (e: ClassCastException) {
            throw PlatformException.Failed("$url is not an http(s) URL.")
        }
        try {
            connection.requestMethod = "HEAD"
            connection.connectTimeout = timeoutMs
            connection.readTimeout = timeoutMs
            connection.instanceFollowRedirects = false
            connection.useCaches = false
            connection.connect()
            connection.responseCode
            return connection.getHeaderField("Date") ?: throw PlatformException.Failed("$url sent no Date header.")
        } catch (e: IOException) {
            throw PlatformException.Failed("Cannot reach $url (${e.javaClass.simpleName}).")
        } finally {
            connection.disconnect()
        }
    }

    /** HttpsURLConnection only returns a response after verifying the certificate chain. */
    override fun isAuthenticated(url: String): Boolean = url.startsWith("https://", ignoreCase = true)
}
