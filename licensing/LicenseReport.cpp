#include "LicenseReport.h"

#include "Product.h"

#include <QJsonArray>

namespace lifeline::licensing {

QJsonObject LicenseReport::toJson(const QList<LicenseStore::Entry>& entries,
                                  const LicenseVerifier& verifier, const QDateTime& now) {
    QJsonArray list;
    for (const auto& e : entries) {
        QJsonObject o = e.license.toJson();
        LicenseVerifier::Verdict verdict;
        if (e.error.isEmpty())
            verdict = verifier.check(e.license, {}, now);
        else
            verdict.message = e.error;
        o.insert("status", verdict.statusName());
        if (!verdict.message.isEmpty())
            o.insert("message", verdict.message);
        if (const Product* p = Product::find(e.license.product))
            o.insert("productName", p->name);
        o.insert("registered", e.registered.toString(Qt::ISODate));
        o.insert("source", e.source);
        list.append(o);
    }
    return {{"publicKey", verifier.keyJson()}, {"licenses", list}};
}

} // namespace lifeline::licensing
