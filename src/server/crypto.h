// Secrets: random tokens, Argon2id password hashes (libsodium), SHA-256 content hashes.
#ifndef TANDEM_SRC_SERVER_CRYPTO_H_
#define TANDEM_SRC_SERVER_CRYPTO_H_

#include <string>
#include <string_view>

namespace tandem::server {

// Initialises libsodium once; false when it cannot (no entropy source).
bool CryptoReady();
// `bytes` random bytes as lowercase hex.
std::string RandomHex(size_t bytes);
// A password people can type: 20 characters from an unambiguous alphabet (~100 bits).
std::string RandomPassword();
// Argon2id (crypto_pwhash_str); `fast` uses libsodium's minimum limits (tests only).
std::string HashPassword(const std::string& password, bool fast);
bool VerifyPassword(const std::string& hash, const std::string& password);
// Hex SHA-256.
std::string Sha256Hex(std::string_view data);
// Hex HMAC-SHA-256 of `data` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view data);
bool ConstantTimeEqual(std::string_view a, std::string_view b);

}  // namespace tandem::server

#endif  // TANDEM_SRC_SERVER_CRYPTO_H_
