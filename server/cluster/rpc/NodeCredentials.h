#pragma once

#include "ClusterKey.h"

#include <QDateTime>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QString>

namespace lifeline::rpc {

// This node's TLS identity: a fresh ECDSA P-256 key pair and a certificate for the server name,
// signed by the cluster CA (every node holds the CA key, so every node issues its own at
// start-up). Peers trust only the cluster CA and read the caller's server name from the CN.
class NodeCredentials {
public:
    static constexpr int kValidityDays = 30;

    NodeCredentials() = default;

    // Null (and a message in `error`) if `key` is null, `serverName` is empty or OpenSSL fails.
    static NodeCredentials issue(const ClusterKey& key, const QString& serverName,
                                 QString* error = nullptr, int validityDays = kValidityDays);

    bool isNull() const { return certificate_.isNull(); }
    QString serverName() const { return serverName_; }
    QSslCertificate certificate() const { return certificate_; }
    QSslKey privateKey() const { return privateKey_; }
    QSslCertificate caCertificate() const { return caCertificate_; }
    QDateTime expiresAt() const { return certificate_.expiryDate(); }

    // True once less than a third of the validity is left (or when null). A node runs longer
    // than 30 days: the daemon checks this, say, hourly, issues again and hands the result to
    // RpcServer::setCredentials() and RpcClient::setCredentials().
    bool needsRenewal(const QDateTime& now = QDateTime::currentDateTimeUtc()) const;

    // The TLS settings both ends of an RPC connection use: TLS 1.3 only, this certificate and
    // key, the peer's certificate required and checked against the cluster CA alone (never the
    // system store).
    QSslConfiguration sslConfiguration() const;

private:
    QString serverName_;
    QSslCertificate certificate_;
    QSslKey privateKey_;
    QSslCertificate caCertificate_;
};

} // namespace lifeline::rpc
