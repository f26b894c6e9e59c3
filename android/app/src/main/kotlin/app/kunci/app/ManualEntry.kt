//! The manual entry form ("can't scan?"): field-level checks in words, then an `otpauth://` URI
//! that goes through the core's own parser, so typed and scanned accounts follow the same rules.
package app.kunci.app

import java.net.URLEncoder

object ManualEntry {
    private val base32 = Regex("^[A-Z2-7]+=*$")

    /** Field name -> sentence; empty when the form can be sent to the core. */
    fun validate(form: ManualForm): Map<String, UiText> {
        val errors = mutableMapOf<String, UiText>()
        if (form.issuer.isBlank() && form.account.isBlank()) errors["account"] = text(R.string.manual_error_name)
        val secret = normalizedSecret(form.secret)
        when {
            secret.isEmpty() -> errors["secret"] = text(R.string.manual_error_secret_empty)
            !base32.matches(secret) -> errors["secret"] = text(R.string.manual_error_secret_chars)
            secret.trimEnd('=').length < 16 -> errors["secret"] = text(R.string.manual_error_secret_short)
        }
        if (form.digits.toIntOrNull() !in 6..8) errors["digits"] = text(R.string.manual_error_digits)
        if (!form.hotp && form.period.toIntOrNull().let { it == null || it !in 1..300 }) errors["period"] = text(R.string.manual_error_period)
        if (form.hotp && form.counter.toLongOrNull().let { it == null || it < 0 }) errors["counter"] = text(R.string.manual_error_counter)
        return errors
    }

    /** Spaces and dashes as printed on portals are dropped; lower case is accepted. */
    fun normalizedSecret(raw: String): String = raw.filterNot { it.isWhitespace() || it == '-' }.uppercase()

    fun toUri(form: ManualForm): String {
        val issuer = form.issuer.trim()
        val account = form.account.trim()
        val label = if (issuer.isEmpty()) enc(account) else "${enc(issuer)}:${enc(account)}"
        val type = if (form.hotp) "hotp" else "totp"
        val params = buildList {
            add("secret=${normalizedSecret(form.secret).trimEnd('=')}")
            if (issuer.isNotEmpty()) add("issuer=${enc(issuer)}")
            add("algorithm=${form.algorithm}")
            add("digits=${form.digits.trim()}")
            if (form.hotp) add("counter=${form.counter.trim()}") else add("period=${form.period.trim()}")
        }
        return "otpauth://$type/$label?${params.joinToString("&")}"
    }

    private fun enc(s: String) = URLEncoder.encode(s, "UTF-8").replace("+", "%20")
}
