#pragma once

#include <QByteArray>

namespace lifeline::licensing {

// The vendor's public key this build checks license keys with: the CMake parameter
// LIFELINE_LICENSE_PUBLIC_KEY (README.md "Build parameter"), written into CompiledKey.cpp at
// configure time. Exactly one of pem() and rawHex() is non-empty.
struct CompiledKey {
    static QByteArray pem();    // SubjectPublicKeyInfo PEM
    static QByteArray rawHex(); // 64 hex digits: the raw Ed25519 public key
    // Whether it is the TEST key of tests/keys (anyone can make licenses for such a build).
    static bool isTestKey();
};

} // namespace lifeline::licensing
