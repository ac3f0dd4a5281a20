#include "server/crypto.h"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace tandem::server {

bool CryptoReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string RandomHex(size_t bytes) {
  CryptoReady();
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), bytes);
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), buffer.data(), bytes);
  hex.pop_back();
  return hex;
}

std::string RandomPassword() {
  CryptoReady();
  static constexpr char kAlphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  std::string password;
  for (int i = 0; i < 20; ++i) password += kAlphabet[randombytes_uniform(sizeof(kAlphabet) - 1)];
  return password;
}

std::string HashPassword(const std::string& password, bool fast) {
  CryptoReady();
  char hash[crypto_pwhash_STRBYTES];
  const unsigned long long ops =
      fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
  const size_t memory = fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), ops, memory,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return {};  // out of memory: no hash, so no login with it
  }
  return hash;
}

bool VerifyPassword(const std::string& hash, const std::string& password) {
  CryptoReady();
  if (hash.empty()) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string Sha256Hex(std::string_view data) {
  CryptoReady();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  CryptoReady();
  unsigned char digest[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()),
                              key.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(data.data()),
                                data.size());
  crypto_auth_hmacsha256_final(&state, digest);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace tandem::server
