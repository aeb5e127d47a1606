#include "NodeCredentials.h"

#include "OpenSsl.h"

namespace lifeline::rpc {

namespace {

// Nodes' clocks may disagree a little; a certificate must not be "not yet valid" on a peer.
constexpr long kBackdateSeconds = 24 * 3600;

} // namespace

NodeCredentials NodeCredentials::issue(const ClusterKey& key, const QString& serverName,
                                       QString* error, int validityDays) {
    auto fail = [&](const QString& problem) {
        if (error)
            *error = QStringLiteral("cannot issue the certificate of server \"%1\": %2")
                         .arg(serverName, problem);
        return NodeCredentials();
    };
    if (key.isNull())
        return fail(QStringLiteral("no cluster key"));
    if (serverName.isEmpty())
        return fail(QStringLiteral("the server name is empty"));
    if (validityDays < 1)
        return fail(QStringLiteral("the validity must be at least one day"));

    QString problem;
    X509* ca = key.caX509();
    openssl::Ptr<EVP_PKEY> nodeKey = openssl::generateP256Key(&problem);
    openssl::Ptr<X509> cert(X509_new());
    const bool built =
        nodeKey && cert &&
        openssl::fillCertificate(cert.get(), ca, nodeKey.get(), serverName,
                                 QStringLiteral("Lifeline cluster ") + key.clusterName(),
                                 -kBackdateSeconds, validityDays, &problem) &&
        openssl::addExtension(cert.get(), ca, NID_basic_constraints, "critical,CA:FALSE",
                              &problem) &&
        openssl::addExtension(cert.get(), ca, NID_key_usage, "critical,digitalSignature",
                              &problem) &&
        // Every node is both the server and the client of RPC connections.
        openssl::addExtension(cert.get(), ca, NID_ext_key_usage, "serverAuth,clientAuth",
                              &problem) &&
        openssl::addExtension(cert.get(), ca, NID_subject_key_identifier, "hash", &problem) &&
        openssl::addExtension(cert.get(), ca, NID_authority_key_identifier, "keyid:always",
                              &problem);
    if (!built)
        return fail(problem.isEmpty() ? openssl::takeError() : problem);
    if (X509_sign(cert.get(), key.caPrivateKey(), EVP_sha256()) <= 0)
        return fail(QStringLiteral("signing failed: ") + openssl::takeError());

    NodeCredentials credentials;
    credentials.serverName_ = serverName;
    credentials.certificate_ = QSslCertificate(openssl::certificateDer(cert.get()), QSsl::Der);
    QByteArray pem = openssl::privateKeyPem(nodeKey.get());
    credentials.privateKey_ = QSslKey(pem, QSsl::Ec, QSsl::Pem, QSsl::PrivateKey);
    pem.fill('\0');
    credentials.caCertificate_ = key.caCertificate();
    if (credentials.certificate_.isNull() || credentials.privateKey_.isNull() ||
        credentials.caCertificate_.isNull())
        return fail(QStringLiteral("Qt cannot read the new certificate or key"));
    return credentials;
}

bool NodeCredentials::needsRenewal(const QDateTime& now) const {
    if (isNull())
        return true;
    const qint64 validity = certificate_.effectiveDate().secsTo(certificate_.expiryDate());
    return now.secsTo(certificate_.expiryDate()) < validity / 3;
}

QSslConfiguration NodeCredentials::sslConfiguration() const {
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setProtocol(QSsl::TlsV1_3OrLater);
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    // Replaces the system roots and turns off their on-demand loading: only the cluster CA.
    config.setCaCertificates({caCertificate_});
    config.setLocalCertificate(certificate_);
    config.setPrivateKey(privateKey_);
    // Refuse an unverifiable or missing certificate inside the handshake, with a TLS alert, instead
    // of Qt's default of completing the handshake and then dropping the TCP connection: the peer
    // learns why ("unknown CA", "certificate expired", "certificate required").
    config.setHandshakeMustInterruptOnError(true);
    config.setMissingCertificateIsFatal(true);
    return config;
}

} // namespace lifeline::rpc
