// lifeline-license-vendor — makes license keys and license files (TEST tool; never installed).
//
//   lifeline-license-vendor --product ID --serial SERIAL [--count N] [--kind cpu|vm|node]
//                           [--trial --expires TIME | --expires-in PERIOD]
//                           [--private-key PEM] [--key-only] [-o FILE]
//   lifeline-license-vendor --public-key [--private-key PEM]
//   lifeline-license-vendor --generate-key-pair PRIVATE.pem PUBLIC.pem
//
// Signs with tests/keys/license-test-ed25519.pem unless --private-key says otherwise, so the
// tests register real licenses in a build that checks with the TEST public key. Prints the
// license file (JSON), or only the key; exit 0 done, 1 failed, 3 invalid arguments.

#include "LicenseFile.h"
#include "LicenseIssuer.h"
#include "Product.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTimeZone>

#include <cstdio>

using namespace lifeline::licensing;

namespace {

int fail(const QString& message, int code = 1) {
    std::fprintf(stderr, "lifeline-license-vendor: %s\n", qPrintable(message));
    return code;
}

bool write(const QString& path, const QByteArray& bytes, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

// "90s", "10m", "2h", "30d", "-1h" (already expired) -> seconds.
std::optional<qint64> period(const QString& text) {
    static const QRegularExpression pattern(QStringLiteral("^(-?[0-9]{1,9})([smhd])$"));
    const auto m = pattern.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const QChar unit = m.captured(2).at(0);
    return m.captured(1).toLongLong() * (unit == u's'   ? 1
                                         : unit == u'm' ? 60
                                         : unit == u'h' ? 3600
                                                        : 86400);
}

} // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Make Lifeline license keys and files (TEST tool)."));
    parser.addHelpOption();
    const QCommandLineOption privateKey(
        QStringLiteral("private-key"), QStringLiteral("The vendor's Ed25519 private key (PEM)."),
        QStringLiteral("PEM"), QStringLiteral(LIFELINE_TEST_PRIVATE_KEY));
    const QCommandLineOption product(QStringLiteral("product"),
                                     QStringLiteral("Product ID (BASE10, ...)."),
                                     QStringLiteral("ID"));
    const QCommandLineOption serial(QStringLiteral("serial"),
                                    QStringLiteral("Serial number XXX0000000."),
                                    QStringLiteral("SERIAL"));
    const QCommandLineOption count(QStringLiteral("count"),
                                   QStringLiteral("CPUs (default 2), 0 for a VM node license."),
                                   QStringLiteral("N"));
    const QCommandLineOption kind(
        QStringLiteral("kind"),
        QStringLiteral("cpu, vm or node (default: from the product and count)."),
        QStringLiteral("KIND"));
    const QCommandLineOption trial(
        QStringLiteral("trial"),
        QStringLiteral("A trial version (needs --expires or --expires-in)."));
    const QCommandLineOption expires(QStringLiteral("expires"),
                                     QStringLiteral("Trial end, UTC: 2026-12-31T23:59:59Z."),
                                     QStringLiteral("TIME"));
    const QCommandLineOption expiresIn(
        QStringLiteral("expires-in"), QStringLiteral("Trial end from now: 90s, 10m, 2h, 30d, -1h."),
        QStringLiteral("PERIOD"));
    const QCommandLineOption keyOnly(QStringLiteral("key-only"),
                                     QStringLiteral("Print the key only (as on a license sheet)."));
    const QCommandLineOption out(QStringList{"o", "output"},
                                 QStringLiteral("Write the license file here."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption publicKey(
        QStringLiteral("public-key"),
        QStringLiteral("Print the public key of --private-key (PEM, then the raw key in hex)."));
    const QCommandLineOption generate(
        QStringLiteral("generate-key-pair"),
        QStringLiteral("Write a new key pair: PRIVATE.pem (mode 0600) and PUBLIC.pem."));
    parser.addOptions({privateKey, product, serial, count, kind, trial, expires, expiresIn, keyOnly,
                       out, publicKey, generate});
    parser.process(app);

    QString error;
    if (parser.isSet(generate)) {
        const QStringList files = parser.positionalArguments();
        if (files.size() != 2)
            return fail(QStringLiteral("--generate-key-pair takes PRIVATE.pem and PUBLIC.pem"), 3);
        QByteArray privatePem, publicPem;
        if (!LicenseIssuer::generate(&privatePem, &publicPem, &error) ||
            !write(files[0], privatePem, &error) ||
            !QFile::setPermissions(files[0], QFile::ReadOwner | QFile::WriteOwner) ||
            !write(files[1], publicPem, &error))
            return fail(error.isEmpty() ? QStringLiteral("cannot set the mode of %1").arg(files[0])
                                        : error);
        return 0;
    }
    const LicenseIssuer issuer = LicenseIssuer::fromPemFile(parser.value(privateKey), &error);
    if (!issuer.isUsable())
        return fail(error);
    if (parser.isSet(publicKey)) {
        std::printf("%s%s\n", issuer.publicKeyPem().constData(),
                    issuer.publicKeyRaw().toHex().constData());
        return 0;
    }
    if (!parser.isSet(product) || !parser.isSet(serial))
        return fail(QStringLiteral("give --product ID and --serial SERIAL"), 3);

    License license;
    license.product = parser.value(product);
    license.serial = parser.value(serial);
    const Product* p = Product::find(license.product);
    bool ok = true;
    license.count =
        parser.isSet(count) ? parser.value(count).toInt(&ok) : (p && !p->isCluster() ? 1 : 2);
    if (!ok)
        return fail(QStringLiteral("--count must be a number, not \"%1\"").arg(parser.value(count)),
                    3);
    if (parser.isSet(kind)) {
        const auto k = License::kindFromName(parser.value(kind));
        if (!k)
            return fail(QStringLiteral("--kind must be cpu, vm or node, not \"%1\"")
                            .arg(parser.value(kind)),
                        3);
        license.kind = *k;
    } else {
        license.kind = p && !p->isCluster() ? License::Kind::Node
                       : license.count == 0 ? License::Kind::Vm
                                            : License::Kind::Cpu;
    }
    if (parser.isSet(trial)) {
        license.version = License::Version::Trial;
        if (parser.isSet(expires) == parser.isSet(expiresIn))
            return fail(
                QStringLiteral("a trial needs one of --expires TIME and --expires-in PERIOD"), 3);
        if (parser.isSet(expires)) {
            const auto time = License::parseExpiry(parser.value(expires));
            if (!time)
                return fail(
                    QStringLiteral("--expires must be a UTC time like 2026-12-31T23:59:59Z"), 3);
            license.expiry = *time;
        } else {
            const auto seconds = period(parser.value(expiresIn));
            if (!seconds)
                return fail(QStringLiteral("--expires-in must be like 90s, 10m, 2h, 30d or -1h"),
                            3);
            const qint64 at = QDateTime::currentSecsSinceEpoch() + *seconds;
            license.expiry = QDateTime::fromSecsSinceEpoch(at, QTimeZone::utc());
        }
    } else if (parser.isSet(expires) || parser.isSet(expiresIn)) {
        return fail(QStringLiteral("--expires and --expires-in go with --trial"), 3);
    }
    if (!issuer.issue(license, &error))
        return fail(error);

    const QByteArray bytes =
        parser.isSet(keyOnly) ? license.key.toLatin1() + '\n' : LicenseFile::toBytes(license);
    if (parser.isSet(out))
        return write(parser.value(out), bytes, &error) ? 0 : fail(error);
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    return 0;
}
