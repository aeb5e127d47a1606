#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace lifeline::licensing {

struct License;

// The license key as people type it (README.md "Key"): 70 bytes — a 6-byte header (format 1,
// 3 bytes of SHA-256 of the serial, 2 of SHA-256 of the product ID) and the 64-byte Ed25519
// signature over header + License::canonical() — in base32 (RFC 4648 alphabet A-Z 2-7, no
// padding, case sensitive): 112 characters, written as 14 groups of 8 joined by '-'.
//
// The header's tags only let a mismatch be named ("a key for another serial number"); the
// signature covers them too, so they cannot be changed either.
struct LicenseKey {
    static constexpr quint8 kFormat = 1;
    static constexpr int kHeaderSize = 6;
    static constexpr int kSignatureSize = 64;
    static constexpr int kGroupSize = 8;
    static constexpr int kGroups = 14; // (6 + 64) bytes * 8 / 5 bits / 8

    QByteArray header;    // kHeaderSize bytes
    QByteArray signature; // kSignatureSize bytes

    // The header a key for this product and serial has.
    static QByteArray headerFor(const QString& product, const QString& serial);
    static QByteArray serialTag(const QString& serial);   // 3 bytes
    static QByteArray productTag(const QString& product); // 2 bytes
    // What the vendor signs: the header, then the license's canonical fields.
    static QByteArray signedMessage(const QByteArray& header, const License& license);

    // Reads a key as typed: white space is ignored (the manual's sheets show "A1234567-
    // B1234567"), dashes are optional but, when present, split groups of 8. Nothing and
    // *error (what is wrong, where) when it is not a key.
    static std::optional<LicenseKey> parse(const QString& text, QString* error);
    // The key as the product writes it: 14 groups of 8 joined by '-'.
    QString text() const;
    // "[XXXXXXXX-XXXXXXXX-...-XXXXXXXX (14 groups of 8)]": how a key looks, for prompts.
    static QString pattern();

    static QString base32(const QByteArray& bytes);
    // Nothing for a character outside A-Z 2-7 (*badIndex: its position).
    static std::optional<QByteArray> fromBase32(const QString& text, int* badIndex = nullptr);
};

} // namespace lifeline::licensing
