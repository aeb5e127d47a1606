#include "Product.h"

#include <QStringList>

namespace lifeline::licensing {

const QList<Product>& Product::all() {
    using F = Product::Family;
    static const QList<Product> products{
        {"BASE10", "Lifeline 1.0 for Linux", F::Cluster,
         "the cluster service on every server of the cluster: heartbeats, groups, resources, "
         "monitors, the clp* commands"},
        {"XSSS10", "Lifeline SingleServerSafe 1.0 for Linux", F::Cluster,
         "the cluster service on a configuration of one server (monitoring and recovery "
         "without failover)"},
        {"DBAG10", "Lifeline Database Agent 1.0 for Linux", F::Option,
         "the database monitor types (PostgreSQL, MySQL, Oracle, ...) on this server"},
        {"ISAG10", "Lifeline Internet Server Agent 1.0 for Linux", F::Option,
         "the internet server monitor types (HTTP, SMTP, POP3, IMAP4, FTP) on this server"},
        {"FSAG10", "Lifeline File Server Agent 1.0 for Linux", F::Option,
         "the file server monitor types (NFS, Samba) on this server"},
        {"ASAG10", "Lifeline Application Server Agent 1.0 for Linux", F::Option,
         "the application server monitor types (Tomcat, WebLogic, WebSphere, JBoss) on this "
         "server"},
        {"ALRT10", "Lifeline Alert Service 1.0 for Linux", F::Option,
         "alert mail and the network warning light for this server's alerts"},
    };
    return products;
}

const Product* Product::find(const QString& id) {
    for (const auto& p : all())
        if (p.id == id)
            return &p;
    return nullptr;
}

QString Product::idList() {
    QStringList ids;
    for (const auto& p : all())
        ids << p.id;
    return ids.join(QStringLiteral(", "));
}

} // namespace lifeline::licensing
