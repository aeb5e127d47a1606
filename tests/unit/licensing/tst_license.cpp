// The signature scheme: licenses signed with the TEST key verify with the compiled public key;
// tampering with any field, a license of another product, a key for another serial number,
// an expired trial, and every malformed serial number, key and license file is refused with
// its precise message.
#include "License.h"
#include "LicenseFile.h"
#include "LicenseIssuer.h"
#include "LicenseKey.h"
#include "LicenseVerifier.h"
#include "Product.h"

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest>

using namespace lifeline::licensing;

namespace {

const QString kMismatch =
    QStringLiteral("The license key does not match the license: a field (version, expiry, "
                   "kind, ...) was changed or the key was mistyped.");

LicenseIssuer testIssuer() {
    QString error;
    auto issuer = LicenseIssuer::fromPemFile(QStringLiteral(LIFELINE_TEST_PRIVATE_KEY), &error);
    if (!issuer.isUsable())
        qFatal("%s", qPrintable(error));
    return issuer;
}

License make(const QString& product, License::Kind kind, int count,
             const QString& serial = "AAA0000000") {
    License l;
    l.product = product;
    l.kind = kind;
    l.count = count;
    l.serial = serial;
    return l;
}

License signedLicense(License l) {
    QString error;
    if (!testIssuer().issue(l, &error))
        qFatal("%s", qPrintable(error));
    return l;
}

License trial(const QDateTime& expiry) {
    License l = make("BASE10", License::Kind::Cpu, 2);
    l.version = License::Version::Trial;
    l.expiry = expiry;
    return signedLicense(l);
}

QDateTime utc(const char* text) {
    return QDateTime::fromString(QLatin1String(text), Qt::ISODate).toTimeZone(QTimeZone::utc());
}

} // namespace

class TestLicense : public QObject {
    Q_OBJECT
private:
    LicenseVerifier verifier_;
    QTemporaryDir dir_;

    QString fileError(const QByteArray& bytes) {
        QString error;
        const auto parsed = LicenseFile::parse(bytes, QStringLiteral("lic.json"), &error);
        return parsed ? QStringLiteral("(parsed)") : error;
    }

private slots:
    void compiledKeyIsTheTestKey() {
        if (!verifier_.isTestKey())
            QSKIP("built with a production public key (LIFELINE_LICENSE_PUBLIC_KEY)");
        QVERIFY2(verifier_.isUsable(), qPrintable(verifier_.keyError()));
        const auto fromIssuer = LicenseVerifier::fromPem(testIssuer().publicKeyPem());
        QCOMPARE(verifier_.fingerprint(), fromIssuer.fingerprint());
        QCOMPARE(LicenseVerifier::fromRaw(testIssuer().publicKeyRaw()).fingerprint(),
                 verifier_.fingerprint());
        QCOMPARE(verifier_.keyJson().value("test").toBool(), true);
        QVERIFY(QRegularExpression("^[0-9a-f]{16}$").match(verifier_.fingerprint()).hasMatch());
    }

    void base32() {
        // RFC 4648 test vectors (without padding).
        QCOMPARE(LicenseKey::base32("f"), QStringLiteral("MY"));
        QCOMPARE(LicenseKey::base32("foob"), QStringLiteral("MZXW6YQ"));
        QCOMPARE(LicenseKey::base32("foobar"), QStringLiteral("MZXW6YTBOI"));
        QCOMPARE(*LicenseKey::fromBase32("MZXW6YTBOI"), QByteArray("foobar"));
        int bad = -1;
        QVERIFY(!LicenseKey::fromBase32("MZXW1", &bad));
        QCOMPARE(bad, 4);
    }

    void everyKindVerifies_data() {
        QTest::addColumn<QString>("product");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("count");
        QTest::newRow("1 CPU") << "BASE10" << int(License::Kind::Cpu) << 1;
        QTest::newRow("99 CPUs") << "BASE10" << int(License::Kind::Cpu) << 99;
        QTest::newRow("VM node") << "BASE10" << int(License::Kind::Vm) << 0;
        QTest::newRow("single server") << "XSSS10" << int(License::Kind::Cpu) << 2;
        for (const auto& p : Product::all())
            if (!p.isCluster())
                QTest::newRow(qPrintable(p.id)) << p.id << int(License::Kind::Node) << 1;
    }
    void everyKindVerifies() {
        QFETCH(QString, product);
        QFETCH(int, kind);
        QFETCH(int, count);
        const License l = signedLicense(make(product, License::Kind(kind), count));
        // 14 groups of 8 base32 characters; the first one carries format 1.
        QVERIFY2(QRegularExpression("^A[A-Z2-7]{7}(-[A-Z2-7]{8}){13}$").match(l.key).hasMatch(),
                 qPrintable(l.key));
        const auto v = verifier_.check(l, product);
        QVERIFY2(v.ok(), qPrintable(v.message));
        QCOMPARE(v.statusName(), QStringLiteral("valid"));
        QCOMPARE(v.key, l.key);
    }

    void keyAsTyped() {
        License l = signedLicense(make("BASE10", License::Kind::Cpu, 2));
        const QString key = l.key;
        // The manual's sheets show "A1234567- B1234567"; without dashes is fine too.
        l.key = QString(key).replace(u'-', QStringLiteral("- "));
        QCOMPARE(verifier_.check(l).key, key);
        QVERIFY(verifier_.check(l).ok());
        l.key = QString(key).remove(u'-');
        QVERIFY(verifier_.check(l).ok());
    }

    // Every signed field (and the key itself) changed after signing is refused.
    void tampering_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("product") << "product"
                                 << "The license key is for another product (BASE10), not XSSS10.";
        QTest::newRow("kind") << "kind"
                              << "The license key is for 2 CPUs, not 0 (Virtual OS).";
        QTest::newRow("version") << "version" << kMismatch;
        QTest::newRow("count") << "count"
                               << "The license key is for 2 CPUs, not 3 CPUs.";
        QTest::newRow("serial")
            << "serial"
            << "The license key belongs to another serial number, not AAA0000001.";
        QTest::newRow("expiry") << "expiry" << kMismatch;
        QTest::newRow("signature") << "signature" << kMismatch;
        QTest::newRow("key header")
            << "header"
            << "The license key belongs to another serial number, not AAA0000000.";
    }
    void tampering() {
        QFETCH(QString, field);
        QFETCH(QString, message);
        License l = field == "expiry" ? trial(QDateTime::currentDateTimeUtc().addDays(30))
                                      : signedLicense(make("BASE10", License::Kind::Cpu, 2));
        QVERIFY(verifier_.check(l).ok());
        if (field == "product") {
            l.product = "XSSS10";
        } else if (field == "kind") {
            l.kind = License::Kind::Vm;
            l.count = 0;
        } else if (field == "version") {
            l.version = License::Version::Trial;
            l.expiry = utc("2099-01-01T00:00:00Z");
        } else if (field == "count") {
            l.count = 3;
        } else if (field == "serial") {
            l.serial = "AAA0000001";
        } else if (field == "expiry") {
            l.expiry = l.expiry.addYears(10);
        } else {
            // One character of the signature (the last group) or of the header (the serial tag).
            const int at = field == "signature" ? int(l.key.size()) - 3 : 3;
            l.key[at] = l.key[at] == u'A' ? u'B' : u'A';
        }
        const auto v = verifier_.check(l);
        QCOMPARE(v.status, LicenseVerifier::Verdict::Status::Invalid);
        QCOMPARE(v.message, message);
    }

    void wrongProduct() {
        const License l = signedLicense(make("DBAG10", License::Kind::Node, 1));
        QCOMPARE(verifier_.check(l, "BASE10").message,
                 QStringLiteral("The license is for DBAG10, not BASE10."));
        QCOMPARE(verifier_.check(l, "ISAG10").message,
                 QStringLiteral("The license is for DBAG10, not ISAG10."));
        QVERIFY(verifier_.check(l, "DBAG10").ok());
    }

    void keyForAnotherSerial() {
        // A genuine key, typed with the serial number of another license sheet.
        License l = signedLicense(make("BASE10", License::Kind::Cpu, 2, "AAA0000001"));
        l.serial = "AAA0000000";
        QCOMPARE(
            verifier_.check(l, "BASE10").message,
            QStringLiteral("The license key belongs to another serial number, not AAA0000000."));
    }

    void anotherVendorsKey() {
        QByteArray privatePem, publicPem;
        QString error;
        QVERIFY2(LicenseIssuer::generate(&privatePem, &publicPem, &error), qPrintable(error));
        License l = make("BASE10", License::Kind::Cpu, 2);
        QVERIFY(LicenseIssuer::fromPem(privatePem, &error).issue(l, &error));
        QCOMPARE(verifier_.check(l).message, kMismatch);
        QVERIFY(LicenseVerifier::fromPem(publicPem).check(l).ok());
        QVERIFY(!LicenseVerifier::fromPem("not a key").isUsable());
        QVERIFY(!LicenseVerifier::fromPem(privatePem).isUsable()); // a private key is no public key
    }

    void trialExpiry() {
        const QDateTime end = utc("2026-11-30T12:00:00Z");
        const License l = trial(end);
        QVERIFY(verifier_.check(l, "BASE10", end.addSecs(-1)).ok());
        for (const QDateTime& now : {end, end.addSecs(1), end.addYears(1)}) {
            const auto v = verifier_.check(l, "BASE10", now);
            QCOMPARE(v.status, LicenseVerifier::Verdict::Status::Expired);
            QCOMPARE(v.statusName(), QStringLiteral("expired"));
            QCOMPARE(v.message, QStringLiteral("The license of trial expired by %1. (BASE10)")
                                    .arg(end.toLocalTime().toString("yyyy/MM/dd HH:mm:ss")));
        }
    }

    void malformedSerials_data() {
        QTest::addColumn<QString>("serial");
        for (const char* s : {"aaa0000000", "AAa0000000", "AA00000000", "AAAA000000", "AAA000000",
                              "AAA00000000", "AAA000000X", "AAA 000000", "", "ÄAA0000000"})
            QTest::newRow(s) << QString::fromUtf8(s);
    }
    void malformedSerials() {
        QFETCH(QString, serial);
        QVERIFY(!License::isSerial(serial));
        License l = signedLicense(make("BASE10", License::Kind::Cpu, 2));
        l.serial = serial;
        QCOMPARE(
            verifier_.check(l).message,
            QStringLiteral(
                "the serial number \"%1\" is not of the form XXX0000000: 3 capital letters and "
                "7 digits (case sensitive)")
                .arg(serial));
    }

    void malformedKeys_data() {
        QTest::addColumn<QString>("key"); // "KEY" stands for a genuine key
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << ""
                               << "the license key is empty";
        QTest::newRow("short group")
            << "KEY:drop 5"
            << "group 1 of the license key has 7 characters; every group has 8";
        QTest::newRow("lower case")
            << "KEY:lower 20"
            << "the license key has the character '%1' (group 3); keys use A-Z and 2-7 and are "
               "case sensitive";
        QTest::newRow("digit 1")
            << "KEY:one 10"
            << "the license key has the character '1' (group 2); keys use A-Z and 2-7 and are case "
               "sensitive";
        QTest::newRow("a group missing")
            << "KEY:chop 9"
            << "the license key has 104 characters without the dashes; it needs 112 (14 "
               "groups of 8)";
        QTest::newRow("a group too many")
            << "KEY:append"
            << "the license key has 120 characters without the dashes; it needs 112 (14 "
               "groups of 8)";
        QTest::newRow("no dashes, short")
            << "ABCDEFGH"
            << "the license key has 8 characters without the dashes; it needs 112 (14 "
               "groups of 8)";
        QTest::newRow("format 2")
            << "FORMAT2"
            << "the license key is of an unknown format (2); this Lifeline reads format 1";
    }
    void malformedKeys() {
        QFETCH(QString, key);
        QFETCH(QString, message);
        License l = signedLicense(make("BASE10", License::Kind::Cpu, 2));
        const QString genuine = l.key;
        if (key.startsWith("KEY:drop")) {
            key = genuine;
            key.remove(key.section(' ', 1).toInt(), 1);
        } else if (key.startsWith("KEY:lower")) {
            key = genuine;
            const int at = 20;
            key[at] = key[at].isLetter() ? key[at].toLower() : u'a';
            message = message.arg(key[at]);
        } else if (key.startsWith("KEY:one")) {
            key = genuine;
            key[10] = u'1';
        } else if (key == "KEY:chop 9") {
            key = genuine.left(genuine.size() - 9);
        } else if (key == "KEY:append") {
            key = genuine + "-AAAAAAAA";
        } else if (key == "FORMAT2") {
            QString unused;
            LicenseKey k = *LicenseKey::parse(genuine, &unused);
            k.header[0] = 2;
            key = k.text();
        }
        l.key = key;
        const auto v = verifier_.check(l);
        QCOMPARE(v.status, LicenseVerifier::Verdict::Status::Invalid);
        QCOMPARE(v.message, message);
    }

    void fieldsThatDoNotFit_data() {
        QTest::addColumn<QString>("product");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("message");
        const int cpu = int(License::Kind::Cpu), vm = int(License::Kind::Vm),
                  node = int(License::Kind::Node);
        QTest::newRow("unknown product") << "BASE30" << cpu << 2
                                         << "unknown product ID \"BASE30\" (one of BASE10, XSSS10, "
                                            "DBAG10, ISAG10, FSAG10, ASAG10, ALRT10)";
        QTest::newRow("lower case product")
            << "base10" << cpu << 2
            << "unknown product ID \"base10\" (one of BASE10, XSSS10, DBAG10, ISAG10, "
               "FSAG10, ASAG10, ALRT10)";
        QTest::newRow("0 CPUs") << "BASE10" << cpu << 0
                                << "a CPU license counts 1 to 99 CPUs, not 0";
        QTest::newRow("100 CPUs") << "BASE10" << cpu << 100
                                  << "a CPU license counts 1 to 99 CPUs, not 100";
        QTest::newRow("VM with 2")
            << "BASE10" << vm << 2 << "a VM node license has the count 0 (Virtual OS), not 2";
        QTest::newRow("node of 2")
            << "DBAG10" << node << 2 << "a node license counts 1 node, not 2";
        QTest::newRow("CPU license of an option")
            << "DBAG10" << cpu << 2 << "a DBAG10 license is a node license, not a CPU license";
        QTest::newRow("node license of the base")
            << "BASE10" << node << 1
            << "a BASE10 license is a CPU or VM node license, not a node license";
    }
    void fieldsThatDoNotFit() {
        QFETCH(QString, product);
        QFETCH(int, kind);
        QFETCH(int, count);
        QFETCH(QString, message);
        License l = make(product, License::Kind(kind), count);
        QString error;
        QVERIFY(!testIssuer().issue(l, &error)); // the vendor cannot make one either
        QCOMPARE(error, message);
        l.key = signedLicense(make("BASE10", License::Kind::Cpu, 2)).key;
        QCOMPARE(verifier_.check(l).message, message);
    }

    void versionAndExpiryGoTogether() {
        License l = make("BASE10", License::Kind::Cpu, 2);
        l.version = License::Version::Trial;
        QCOMPARE(l.fieldError(), QStringLiteral("a trial license needs an expiry time"));
        l.version = License::Version::Product;
        l.expiry = utc("2030-01-01T00:00:00Z");
        QCOMPARE(l.fieldError(), QStringLiteral("a product license has no expiry time"));
    }

    void canonicalEncoding() {
        License l = make("BASE10", License::Kind::Cpu, 2);
        QCOMPARE(
            l.canonical(),
            QByteArray("lifeline-license-1\nproduct=BASE10\nkind=cpu\nversion=product\ncount=2\n"
                       "serial=AAA0000000\nexpiry=\n"));
        l.version = License::Version::Trial;
        l.expiry = utc("2026-12-31T23:59:59Z");
        QVERIFY(l.canonical().endsWith(
            "version=trial\ncount=2\nserial=AAA0000000\nexpiry=2026-12-31T23:59:59Z\n"));
    }

    void fileRoundTrip() {
        const License l = trial(utc("2030-06-01T00:00:00Z"));
        const QByteArray bytes = LicenseFile::toBytes(l);
        QVERIFY(bytes.contains("\"format\": \"lifeline-license-1\""));
        QVERIFY(bytes.contains("\"expiry\": \"2030-06-01T00:00:00Z\""));
        QString error;
        const auto back = LicenseFile::parse(bytes, "lic.json", &error);
        QVERIFY2(back, qPrintable(error));
        QVERIFY(*back == l);
        QVERIFY(verifier_.check(*back, "BASE10").ok());
    }

    void malformedFiles_data() {
        QTest::addColumn<QByteArray>(
            "change"); // "member=JSON value" ("member=" removes it), or a whole file
        QTest::addColumn<QString>("message");
        QTest::newRow("not JSON") << QByteArray("FILE:BASE10 AAA0000000")
                                  << "lic.json: not a license file: illegal value at offset 1";
        QTest::newRow("an array") << QByteArray("FILE:[]")
                                  << "lic.json: not a license file: not a JSON object";
        QTest::newRow("no format")
            << QByteArray("format=") << "lic.json: not a license file: \"format\" is missing";
        QTest::newRow("other format")
            << QByteArray("format=\"lifeline-license-2\"")
            << "lic.json: \"format\" must be \"lifeline-license-1\", not \"lifeline-license-2\"";
        for (const char* member : {"product", "kind", "version", "count", "serial", "key"})
            QTest::newRow(qPrintable(QStringLiteral("no %1").arg(member)))
                << QByteArray(member) + "="
                << QStringLiteral("lic.json: \"%1\" is missing").arg(member);
        QTest::newRow("count as text")
            << QByteArray("count=\"2\"")
            << "lic.json: \"count\" must be a whole number, 0 or more, not \"2\"";
        QTest::newRow("count fraction")
            << QByteArray("count=2.5")
            << "lic.json: \"count\" must be a whole number, 0 or more, not 2.5";
        QTest::newRow("negative count")
            << QByteArray("count=-1")
            << "lic.json: \"count\" must be a whole number, 0 or more, not -1";
        QTest::newRow("serial as number")
            << QByteArray("serial=1234567") << "lic.json: \"serial\" must be a string, not 1234567";
        QTest::newRow("unknown kind")
            << QByteArray("kind=\"socket\"")
            << "lic.json: \"kind\" must be \"cpu\", \"vm\" or \"node\", not \"socket\"";
        QTest::newRow("unknown version")
            << QByteArray("version=\"beta\"")
            << "lic.json: \"version\" must be \"product\" or \"trial\", not \"beta\"";
        QTest::newRow("date only")
            << QByteArray("expiry=\"2026-12-31\"")
            << "lic.json: \"expiry\" must be a UTC time like 2026-12-31T23:59:59Z, not "
               "\"2026-12-31\"";
        QTest::newRow("no such day")
            << QByteArray("expiry=\"2026-02-30T00:00:00Z\"")
            << "lic.json: \"expiry\" must be a UTC time like 2026-12-31T23:59:59Z, not "
               "\"2026-02-30T00:00:00Z\"";
        QTest::newRow("local time")
            << QByteArray("expiry=\"2026-12-31T23:59:59+09:00\"")
            << "lic.json: \"expiry\" must be a UTC time like 2026-12-31T23:59:59Z, not "
               "\"2026-12-31T23:59:59+09:00\"";
        QTest::newRow("unknown member")
            << QByteArray("cpus=2") << "lic.json: unknown member \"cpus\"";
    }
    void malformedFiles() {
        QFETCH(QByteArray, change);
        QFETCH(QString, message);
        QByteArray bytes;
        if (change.startsWith("FILE:")) {
            bytes = change.mid(5);
        } else {
            QJsonObject o =
                QJsonDocument::fromJson(
                    LicenseFile::toBytes(signedLicense(make("BASE10", License::Kind::Cpu, 2))))
                    .object();
            const QString member = QString::fromLatin1(change.left(change.indexOf('=')));
            const QByteArray value = change.mid(change.indexOf('=') + 1);
            if (value.isEmpty())
                o.remove(member);
            else
                o.insert(member, QJsonDocument::fromJson("[" + value + "]").array().at(0));
            bytes = QJsonDocument(o).toJson();
        }
        QCOMPARE(fileError(bytes), message);
    }

    void fileOnDisk() {
        QString error;
        QVERIFY(!LicenseFile::read(dir_.filePath("missing.json"), &error));
        QCOMPARE(error, QStringLiteral("cannot read the license file %1: No such file or directory")
                            .arg(dir_.filePath("missing.json")));
        QFile big(dir_.filePath("big.json"));
        QVERIFY(big.open(QIODevice::WriteOnly));
        big.write(QByteArray(LicenseFile::kMaxSize + 1, ' '));
        big.close();
        QVERIFY(!LicenseFile::read(big.fileName(), &error));
        QCOMPARE(
            error,
            QStringLiteral("%1: not a license file: larger than 65536 bytes").arg(big.fileName()));
    }
};

QTEST_GUILESS_MAIN(TestLicense)
#include "tst_license.moc"
