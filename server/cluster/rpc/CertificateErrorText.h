#pragma once

#include <QSslError>
#include <QString>

namespace lifeline::rpc {

// A certificate verification error in cluster terms, e.g. "the client's certificate ("server1",
// issued by "Lifeline cluster beta CA") was not issued by this cluster's CA (...)". `whose` is
// "the server's" or "the client's".
QString describeCertificateError(const QSslError& error, const QString& whose);

} // namespace lifeline::rpc
