#include "CertificateErrorText.h"

#include <QSslCertificate>

namespace lifeline::rpc {

QString describeCertificateError(const QSslError& error, const QString& whose) {
    // The failing certificate may be the peer's own or the CA it sent along; either way its
    // issuer names the CA the peer's certificate comes from.
    const QSslCertificate cert = error.certificate();
    const QString issuer = cert.issuerInfo(QSslCertificate::CommonName).value(0);
    const QString subject = whose + QStringLiteral(" certificate");
    switch (error.error()) {
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
    case QSslError::CertificateUntrusted:
    case QSslError::CertificateSignatureFailed:
        // The usual cause: the two servers hold different clp.key files.
        return QStringLiteral("%1 is not from this cluster's CA but from \"%2\" (another cluster, "
                              "or a different clp.key)")
            .arg(subject, issuer);
    case QSslError::CertificateExpired:
        return subject + QStringLiteral(" has expired");
    case QSslError::CertificateNotYetValid:
        return subject + QStringLiteral(" is not valid yet (are the servers' clocks in step?)");
    default:
        return QStringLiteral("%1: %2").arg(subject, error.errorString());
    }
}

} // namespace lifeline::rpc
