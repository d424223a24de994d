/**
 * Self-signed test certificates made with OpenSSL 3.0 in the sandbox (their keys were discarded),
 * with what `openssl x509 -noout -fingerprint -sha256 -subject -enddate -nameopt RFC2253,-esc_msb` said
 * about them. Not secrets.
 *
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
 *     -subj "/CN=hookgate-test/O=Hookgate/C=BR" -keyout /dev/null -out ec.pem
 *   openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -utf8 \
 *     -subj "/C=BR/ST=São Paulo/O=Hookgate\, Ltda/OU=Payments+OU=Pix/CN=hookgate-rsa" -keyout /dev/null -out rsa.pem
 */

/** P-256, notAfter a UTCTime. */
export const EC_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBxTCCAWugAwIBAgIUW/FMvvCT0hVctjwgo9LieDt1WkcwCgYIKoZIzj0EAwIw
ODEWMBQGA1UEAwwNaG9va2dhdGUtdGVzdDERMA8GA1UECgwISG9va2dhdGUxCzAJ
BgNVBAYTAkJSMB4XDTI2MTEyMjE1MjQyN1oXDTM2MTExOTE1MjQyN1owODEWMBQG
A1UEAwwNaG9va2dhdGUtdGVzdDERMA8GA1UECgwISG9va2dhdGUxCzAJBgNVBAYT
AkJSMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEUMPIefYgTVoIbe8rxqzlmSKG
mgDdzFVs/TAOwlpQUq5QyhIVqFNK0V7R/yyakr3k8dw8WEUFfmUGHr7g5Zl+DKNT
MFEwHQYDVR0OBBYEFK+Esq2isOFa39xH7a5r/dpxP2bRMB8GA1UdIwQYMBaAFK+E
sq2isOFa39xH7a5r/dpxP2bRMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwID
SAAwRQIhAJKZHorSZC6VoAy4PoNz6SsiozSgJU++iGEMpMr4YmCKAiBi8DIAc0pQ
81B22+/TVJ0Nm4Muh1ekywIdGXYtcYmlvw==
-----END CERTIFICATE-----
`;
export const EC_FINGERPRINT = "16ed71636cc055b3ba41666647b0c9544c2d53b1ca7b1f29f6e0446edf2dc041";
export const EC_SUBJECT = "C=BR,O=Hookgate,CN=hookgate-test";
export const EC_NOT_AFTER = "2036-11-19T15:24:27Z";

/** RSA 2048, notAfter past 2049 and so a GeneralizedTime; a UTF-8 state, an escaped comma, a two-valued RDN. */
export const RSA_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIDxTCCAq2gAwIBAgIUGIAfiMBrtsbHbwCHpuLCrkEY2ewwDQYJKoZIhvcNAQEL
BQAwcTELMAkGA1UEBhMCQlIxEzARBgNVBAgMClPDo28gUGF1bG8xFzAVBgNVBAoM
Dkhvb2tnYXRlLCBMdGRhMR0wCgYDVQQLDANQaXgwDwYDVQQLDAhQYXltZW50czEV
MBMGA1UEAwwMaG9va2dhdGUtcnNhMCAXDTI2MTEyMjE1MjQzMFoYDzIxMjYxMDI5
MTUyNDMwWjBxMQswCQYDVQQGEwJCUjETMBEGA1UECAwKU8OjbyBQYXVsbzEXMBUG
A1UECgwOSG9va2dhdGUsIEx0ZGExHTAKBgNVBAsMA1BpeDAPBgNVBAsMCFBheW1l
bnRzMRUwEwYDVQQDDAxob29rZ2F0ZS1yc2EwggEiMA0GCSqGSIb3DQEBAQUAA4IB
DwAwggEKAoIBAQCpohSdUfZRuZPqgzebeER85V7C8T60m4RUa2ceDr49WEuGdjTV
DkI04KwLzIDT//XQ8NcP05oKUSBzMnljnkLOhOls/nPMYs14HXbNlB5R8oXzUH/u
BsviE5jm0iB18eS9ku3MIzC9lq2DJyBXyyIN3lh9dZismlKx0rY3/w6iMng2avXx
3hVzt4jvhgF2yyMp/gJRBH3L5+Be8cdWQkX5PvyznFa4PeNQ43CatY72fChoAGhN
QvyQ2Xv0bjGhM94tIFkWNAafaR2bxlummkPzFNupX/TRFf0T8T/WJNokm8/1E+Zc
3N516RRJ88NbueOa4HRkl6ZpzQjt9FkUET1BAgMBAAGjUzBRMB0GA1UdDgQWBBSk
G0dXkod+YsAxzwMKqewWAzXKcjAfBgNVHSMEGDAWgBSkG0dXkod+YsAxzwMKqewW
AzXKcjAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQBed1a6WaX0
YgVv/2WnnDFi6cPNbK+iEEFrDAc8DqxHHXDuZVpZUL5bdnO5Cnlr0iijX0waMv6b
HxBO8tL3QlbXWv0dS79qMIUd12ALaraLM602jodicLNzJR17N+ui3G85UwzTQf1Q
lwXxDdDYGQrtDffuhIkX9sIIlHRaEqMrXfOaK/Vca9fBaQ+zC3eyBqzKHquHLikx
jIgLW4xeNZivkcVuLSXf2L1/+X4CmQ4v/1XrNkiKoDap3wxEGngUsQgAlk8NKN8r
tFYFVVYGeATAebEjIpCjnf4xh0dOIRF7vVUzxoXlyZz05fl9K3Tyr8TDEuFelMf5
sV9BlSRPNhBq
-----END CERTIFICATE-----
`;
export const RSA_FINGERPRINT = "0a5a0484d5b212e8f5a67b7297c06f42ff2c0703b9a76242c365bfac9aae54d6";
export const RSA_SUBJECT = "CN=hookgate-rsa,OU=Payments+OU=Pix,O=Hookgate\\, Ltda,ST=São Paulo,C=BR";
export const RSA_NOT_AFTER = "2126-10-29T15:24:30Z";

/** The base64 between a PEM's armour lines, on one line. */
export function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
}

/** The DER inside a PEM. */
export function pemToDer(pem: string): Uint8Array {
  return Uint8Array.from(atob(pemBody(pem)), (char) => char.charCodeAt(0));
}

export function derToBase64(der: Uint8Array): string {
  return btoa(Array.from(der, (byte) => String.fromCharCode(byte)).join(""));
}
