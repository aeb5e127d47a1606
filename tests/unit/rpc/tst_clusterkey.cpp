// The cluster key file (clp.key) and the node certificates issued from it.

#include "ClusterKey.h"
#include "NodeCredentials.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QSslCertificateExtension>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace lifeline::rpc;

namespace {

QByteArray readAll(const QString& path) {
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeAll(const QString& path, const QByteArray& bytes, mode_t mode = 0600) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(bytes) != bytes.size())
        return false;
    file.close();
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

mode_t modeOf(const QString& path) {
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? (st.st_mode & 07777) : 0;
}

// The text of the PEM block with this label, BEGIN to END line inclusive.
QByteArray pemBlock(const QByteArray& pem, const QByteArray& label) {
    const QByteArray begin = "-----BEGIN " + label + "-----\n";
    const QByteArray end = "-----END " + label + "-----\n";
    const qsizetype from = pem.indexOf(begin);
    const qsizetype to = pem.indexOf(end, from);
    return from < 0 || to < 0 ? QByteArray() : pem.mid(from, to + end.size() - from);
}

QByteArray secretBlock(const QByteArray& secret) {
    return "-----BEGIN LIFELINE CLUSTER SECRET-----\n" + secret.toBase64() +
           "\n-----END LIFELINE CLUSTER SECRET-----\n";
}

// RFC 5869 with HMAC-SHA256, for one output block: the reference deriveKey() must match.
QByteArray hkdfSha256(const QByteArray& secret, const QByteArray& salt, const QByteArray& info) {
    const QByteArray prk =
        QMessageAuthenticationCode::hash(secret, salt, QCryptographicHash::Sha256);
    return QMessageAuthenticationCode::hash(info + '\x01', prk, QCryptographicHash::Sha256);
}

} // namespace

class TestClusterKey : public QObject {
    Q_OBJECT
private:
    ClusterKey alpha_;
    ClusterKey beta_;
    QTemporaryDir dir_;

private slots:
    void initTestCase() {
        alpha_ = ClusterKey::generate(QStringLiteral("alpha"));
        beta_ = ClusterKey::generate(QStringLiteral("beta"));
        QVERIFY(!alpha_.isNull());
        QVERIFY(!beta_.isNull());
        QVERIFY(dir_.isValid());
    }

    void generateMakesACluster() {
        QCOMPARE(alpha_.clusterName(), QStringLiteral("alpha"));
        const QSslCertificate ca = alpha_.caCertificate();
        QVERIFY(!ca.isNull());
        QVERIFY(ca.isSelfSigned());
        QCOMPARE(ca.subjectInfo(QSslCertificate::CommonName),
                 QStringList{QStringLiteral("Lifeline cluster alpha CA")});
        QCOMPARE(ca.publicKey().algorithm(), QSsl::Ec);
        QCOMPARE(ca.publicKey().length(), 256);
        QVERIFY(ca.expiryDate() > QDateTime::currentDateTimeUtc().addYears(99));
        QVERIFY(ca.effectiveDate() <= QDateTime::currentDateTimeUtc());
        QVERIFY(!(alpha_ == beta_));
        QTest::ignoreMessage(QtWarningMsg, "ClusterKey::generate: the cluster name is empty");
        QVERIFY(ClusterKey::generate(QString()).isNull());
    }

    void saveLoadRoundTrip() {
        const QString path = dir_.filePath(QStringLiteral("roundtrip/clp.key"));
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QString error;
        QVERIFY2(alpha_.save(path, &error), qPrintable(error));
        QCOMPARE(modeOf(path), mode_t(0600));
        QCOMPARE(readAll(path), alpha_.toPem());
        const ClusterKey loaded = ClusterKey::load(path, &error);
        QVERIFY2(!loaded.isNull(), qPrintable(error));
        QVERIFY(loaded == alpha_);
        QCOMPARE(loaded.clusterName(), QStringLiteral("alpha"));
        QCOMPARE(loaded.caCertificate(), alpha_.caCertificate());
        QCOMPARE(loaded.fingerprint(), alpha_.fingerprint());
        QCOMPARE(loaded.deriveKey("heartbeat"), alpha_.deriveKey("heartbeat"));
        // Saving again replaces the file atomically and leaves no temporary file behind.
        QVERIFY2(beta_.save(path, &error), qPrintable(error));
        QVERIFY(ClusterKey::load(path, &error) == beta_);
        QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files),
                 QStringList{QStringLiteral("clp.key")});
    }

    void fileIsReadableText() {
        const QByteArray pem = alpha_.toPem();
        QVERIFY(pem.startsWith("# Lifeline cluster key of cluster \"alpha\", fingerprint " +
                               alpha_.fingerprint()));
        QVERIFY(!pemBlock(pem, "LIFELINE CLUSTER SECRET").isEmpty());
        QVERIFY(!pemBlock(pem, "CERTIFICATE").isEmpty());
        QVERIFY(!pemBlock(pem, "PRIVATE KEY").isEmpty());
    }

    void saveIsPrivateWhateverTheUmask() {
        const QString path = dir_.filePath(QStringLiteral("umask.key"));
        const mode_t old = ::umask(0);
        QString error;
        const bool saved = alpha_.save(path, &error);
        ::umask(old);
        QVERIFY2(saved, qPrintable(error));
        QCOMPARE(modeOf(path), mode_t(0600));
    }

    void saveIntoAMissingDirectoryFails() {
        const QString path = dir_.filePath(QStringLiteral("missing/clp.key"));
        QString error;
        QVERIFY(!alpha_.save(path, &error));
        QVERIFY2(error.startsWith(path + QStringLiteral(": cannot write the cluster key: cannot "
                                                        "create a temporary file")),
                 qPrintable(error));
    }

    void loadRefusesAFileOthersCanRead() {
        const QString path = dir_.filePath(QStringLiteral("open.key"));
        QVERIFY(writeAll(path, alpha_.toPem(), 0644));
        QString error;
        QVERIFY(ClusterKey::load(path, &error).isNull());
        QCOMPARE(error, path +
                            QStringLiteral(": permissions 0644 are too open: the cluster key "
                                           "must be accessible by its owner only (chmod 600 ") +
                            path + QStringLiteral(")"));
        for (const mode_t mode : {0640, 0604, 0620, 0602, 0660}) {
            QVERIFY(::chmod(QFile::encodeName(path).constData(), mode) == 0);
            QVERIFY2(ClusterKey::load(path, &error).isNull(), qPrintable(QString::number(mode, 8)));
            QVERIFY(error.contains(QStringLiteral("are too open")));
        }
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0400) == 0);
        QVERIFY2(!ClusterKey::load(path, &error).isNull(), qPrintable(error));
    }

    void loadReportsAMissingFile() {
        const QString path = dir_.filePath(QStringLiteral("nothing-here.key"));
        QString error;
        QVERIFY(ClusterKey::load(path, &error).isNull());
        QCOMPARE(error, path + QStringLiteral(": cannot read the cluster key: No such file or "
                                              "directory"));
    }

    void loadRefusesMalformedFiles_data() {
        QTest::addColumn<QByteArray>("contents");
        QTest::addColumn<QString>("expected");
        const QByteArray good = alpha_.toPem();
        const QByteArray secret = pemBlock(good, "LIFELINE CLUSTER SECRET");
        const QByteArray cert = pemBlock(good, "CERTIFICATE");
        const QByteArray key = pemBlock(good, "PRIVATE KEY");
        const QByteArray betaKey = pemBlock(beta_.toPem(), "PRIVATE KEY");
        const QByteArray secret32 = secretBlock(QByteArray(32, 'k'));

        QTest::newRow("empty") << QByteArray()
                               << "no LIFELINE CLUSTER SECRET block (is this a cluster key file?)";
        QTest::newRow("clp.conf by mistake")
            << QByteArray("<?xml version=\"1.0\"?>\n<root/>\n")
            << "no LIFELINE CLUSTER SECRET block (is this a cluster key file?)";
        QTest::newRow("truncated in the certificate")
            << good.left(good.indexOf("-----BEGIN CERTIFICATE-----") + 100)
            << "PEM block 2 is malformed:";
        QTest::newRow("bad base64") << QByteArray(secret).replace(40, 4, "!!!!") + cert + key
                                    << "PEM block 1 is malformed:";
        QTest::newRow("short secret") << secretBlock(QByteArray(16, 's')) + cert + key
                                      << "the cluster secret is 16 bytes; it must be 32";
        QTest::newRow("two secrets")
            << secret + secret32 + cert + key << "more than one LIFELINE CLUSTER SECRET block";
        QTest::newRow("no certificate") << secret + key << "no CERTIFICATE block (the cluster CA)";
        QTest::newRow("no key") << secret + cert << "no PRIVATE KEY block (the cluster CA's key)";
        QTest::newRow("key of another cluster")
            << secret + cert + betaKey << "the private key does not belong to the CA certificate";
        QTest::newRow("unexpected block")
            << good + "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"
            << "unexpected PEM block \"RSA PRIVATE KEY\"";
        QTest::newRow("encrypted")
            << QByteArray(secret).replace("-----\n", "-----\nProc-Type: 4,ENCRYPTED\n"
                                                     "DEK-Info: AES-128-CBC,00\n\n") +
                   cert + key
            << "PEM block \"LIFELINE CLUSTER SECRET\" has headers";
        QTest::newRow("garbage certificate")
            << secret + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" + key
            << "the CA certificate cannot be read:";
    }

    void loadRefusesMalformedFiles() {
        QFETCH(QByteArray, contents);
        QFETCH(QString, expected);
        const QString path = dir_.filePath(QStringLiteral("malformed.key"));
        QVERIFY(writeAll(path, contents));
        QString error;
        QVERIFY(ClusterKey::load(path, &error).isNull());
        QVERIFY2(error.startsWith(path + QStringLiteral(": ") + expected), qPrintable(error));
    }

    void commentsAndOrderDoNotMatter() {
        const QByteArray good = alpha_.toPem();
        const QByteArray shuffled = "some note\n" + pemBlock(good, "PRIVATE KEY") + "\n# x\n" +
                                    pemBlock(good, "CERTIFICATE") +
                                    pemBlock(good, "LIFELINE CLUSTER SECRET") + "trailing\n";
        QString error;
        const ClusterKey key = ClusterKey::fromPem(shuffled, QStringLiteral("test"), &error);
        QVERIFY2(!key.isNull(), qPrintable(error));
        QVERIFY(key == alpha_);
    }

    void deriveKeyIsHkdfSha256() {
        // A key with a known secret, to check the derivation against RFC 5869 computed here.
        const QByteArray secret =
            QByteArray::fromHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        const QByteArray pem = alpha_.toPem();
        const QByteArray known =
            secretBlock(secret) + pemBlock(pem, "CERTIFICATE") + pemBlock(pem, "PRIVATE KEY");
        QString error;
        const ClusterKey key = ClusterKey::fromPem(known, QStringLiteral("known"), &error);
        QVERIFY2(!key.isNull(), qPrintable(error));
        QCOMPARE(key.deriveKey("heartbeat"),
                 hkdfSha256(secret, "lifeline cluster key v1", "heartbeat"));
    }

    void deriveKeyPerPurposeAndKey() {
        const QByteArray heartbeat = alpha_.deriveKey("heartbeat");
        QCOMPARE(heartbeat.size(), 32);
        QCOMPARE(alpha_.deriveKey("heartbeat"), heartbeat);   // deterministic
        QVERIFY(alpha_.deriveKey("alert-sync") != heartbeat); // per purpose
        QVERIFY(alpha_.deriveKey("heartbeat2") != heartbeat);
        QVERIFY(beta_.deriveKey("heartbeat") != heartbeat); // per key
        QCOMPARE(alpha_.deriveKey(QByteArray()).size(), 32);
        QVERIFY(ClusterKey().deriveKey("heartbeat").isEmpty());
    }

    void fingerprintIdentifiesWithoutRevealing() {
        const QByteArray fingerprint = alpha_.fingerprint();
        QCOMPARE(fingerprint.size(), 64);
        QVERIFY(QRegularExpression(QStringLiteral("^[0-9a-f]{64}$"))
                    .match(QString::fromLatin1(fingerprint))
                    .hasMatch());
        QVERIFY(beta_.fingerprint() != fingerprint);
        QVERIFY(fingerprint != alpha_.deriveKey("heartbeat").toHex());
        QVERIFY(!alpha_.toPem().contains(QByteArray::fromHex(fingerprint).toBase64()));
    }

    void pathBesideTheConfig() {
        QCOMPARE(ClusterKey::pathBeside(QStringLiteral("/etc/lifeline/clp.conf")),
                 QStringLiteral("/etc/lifeline/clp.key"));
        QCOMPARE(ClusterKey::pathBeside(dir_.path()), dir_.filePath(QStringLiteral("clp.key")));
    }

    void issueNodeCertificate() {
        QString error;
        const NodeCredentials node =
            NodeCredentials::issue(alpha_, QStringLiteral("server1"), &error);
        QVERIFY2(!node.isNull(), qPrintable(error));
        QCOMPARE(node.serverName(), QStringLiteral("server1"));
        const QSslCertificate cert = node.certificate();
        QCOMPARE(cert.subjectInfo(QSslCertificate::CommonName),
                 QStringList{QStringLiteral("server1")});
        QCOMPARE(cert.issuerInfo(QSslCertificate::CommonName),
                 QStringList{QStringLiteral("Lifeline cluster alpha CA")});
        QCOMPARE(cert.issuerDisplayName(), alpha_.caCertificate().subjectDisplayName());
        QCOMPARE(node.caCertificate(), alpha_.caCertificate());
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(cert.effectiveDate() <= now);
        QVERIFY(qAbs(cert.expiryDate().secsTo(now.addDays(30))) < 120);
        QCOMPARE(node.privateKey().algorithm(), QSsl::Ec);
        QCOMPARE(node.privateKey().type(), QSsl::PrivateKey);
        QStringList extensions;
        QString extendedKeyUsage;
        for (const QSslCertificateExtension& extension : cert.extensions()) {
            extensions << extension.name();
            if (extension.name() == QLatin1String("extendedKeyUsage"))
                extendedKeyUsage = extension.value().toStringList().join(',');
        }
        QVERIFY2(extensions.contains(QStringLiteral("basicConstraints")),
                 qPrintable(extensions.join(',')));
        QVERIFY2(extendedKeyUsage.contains(QStringLiteral("Server")) &&
                     extendedKeyUsage.contains(QStringLiteral("Client")),
                 qPrintable(extendedKeyUsage));

        // Each start-up gets a new key pair and serial.
        const NodeCredentials again = NodeCredentials::issue(alpha_, QStringLiteral("server1"));
        QVERIFY(again.certificate().serialNumber() != cert.serialNumber());
        QVERIFY(again.certificate().publicKey() != cert.publicKey());
        const QDateTime shortLived =
            NodeCredentials::issue(alpha_, QStringLiteral("server1"), nullptr, 2)
                .certificate()
                .expiryDate();
        QVERIFY(qAbs(shortLived.secsTo(now.addDays(2))) < 120);
    }

    void renewalIsDueWithAThirdLeft() {
        const NodeCredentials node = NodeCredentials::issue(alpha_, QStringLiteral("server1"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(!node.needsRenewal(now));
        QVERIFY(!node.needsRenewal(now.addDays(19)));
        QVERIFY(node.needsRenewal(now.addDays(21)));
        QVERIFY(NodeCredentials().needsRenewal(now));
    }

    void issueNeedsAKeyAndAName() {
        QString error;
        QVERIFY(NodeCredentials::issue(ClusterKey(), QStringLiteral("server1"), &error).isNull());
        QCOMPARE(error, QStringLiteral("cannot issue the certificate of server \"server1\": no "
                                       "cluster key"));
        QVERIFY(NodeCredentials::issue(alpha_, QString(), &error).isNull());
        QCOMPARE(error, QStringLiteral("cannot issue the certificate of server \"\": the server "
                                       "name is empty"));
    }
};

QTEST_GUILESS_MAIN(TestClusterKey)
#include "tst_clusterkey.moc"
