#pragma once

// Real licenses for tests: signed with the TEST key of tests/keys (tests link
// lifeline_license_vendor, which defines LIFELINE_TEST_PRIVATE_KEY).

#include "LicenseIssuer.h"
#include "Product.h"

#include <QtGlobal>

namespace lifeline::testing {

// A license of `product` for `count` (0: a VM node license) under `serial`; the kind follows
// from the product's family.
inline licensing::License testLicense(const QString& product, int count,
                                      const QString& serial = QStringLiteral("AAA0000000")) {
    using licensing::License;
    License l;
    l.product = product;
    l.count = count;
    const auto* p = licensing::Product::find(product);
    l.kind = p && !p->isCluster() ? License::Kind::Node
             : count == 0         ? License::Kind::Vm
                                  : License::Kind::Cpu;
    l.serial = serial;
    QString error;
    if (!licensing::LicenseIssuer::fromPemFile(QStringLiteral(LIFELINE_TEST_PRIVATE_KEY), &error)
             .issue(l, &error))
        qFatal("%s", qPrintable(error));
    return l;
}

} // namespace lifeline::testing
