#pragma once

#include <QList>
#include <QString>

namespace lifeline::licensing {

// A licensed product of Lifeline 1.x and what its license unlocks (README.md "Products").
// IDs follow ExpressCluster's (BASE30 ... for X 3.0): four letters and the version "10".
struct Product {
    enum class Family {
        Cluster, // the base products: CPU licenses (or VM node licenses, count 0)
        Option,  // optional products: a node license on each server that uses the option
    };

    QString id;   // "BASE10"
    QString name; // "Lifeline 1.0 for Linux"
    Family family = Family::Cluster;
    QString unlocks; // one line for people: what the option gates

    bool isCluster() const { return family == Family::Cluster; }

    // Every product, base products first.
    static const QList<Product>& all();
    // The product with this ID (case sensitive), or nullptr.
    static const Product* find(const QString& id);
    // "BASE10, XSSS10, ..." for messages.
    static QString idList();
};

} // namespace lifeline::licensing
