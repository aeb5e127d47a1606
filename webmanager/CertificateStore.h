#pragma once

#include <QSslCertificate>
#include <QSslKey>
#include <QString>

namespace lifeline::webmgr {

// The WebManager's TLS identity: server.crt and server.key in
// <root>/etc/lifeline/webmgr/. When both are missing a self-signed certificate is made
// (EC P-256, CN = the server name, valid 10 years); an administrator may replace them
// with a certificate of their own CA at any time (read at start).
class CertificateStore {
public:
    explicit CertificateStore(QString directory);

    QString directory() const { return dir_; }
    QString certificatePath() const;
    QString keyPath() const;

    // Makes a self-signed pair when neither file exists (written atomically, the key
    // with mode 0600). `created` tells whether it did. One file without the other is an
    // error: nothing is overwritten.
    bool ensure(const QString& commonName, bool* created, QString* error);
    // Reads both files; errors name the file.
    bool load(QSslCertificate* certificate, QSslKey* key, QString* error) const;

    // A new self-signed pair as PEM (used by ensure(); tests call it directly).
    static bool generate(const QString& commonName, int validDays, QByteArray* certificatePem,
                         QByteArray* keyPem, QString* error);

private:
    QString dir_;
};

} // namespace lifeline::webmgr
