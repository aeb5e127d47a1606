#include "LicenseDialogue.h"

#include "LicenseKey.h"

#include <QRegularExpression>

namespace lifeline::cli {

using licensing::License;
using licensing::LicenseKey;

LicenseDialogue::LicenseDialogue(QTextStream& in, Output out, bool echo)
    : in_(in), out_(std::move(out)), echo_(echo) {}

bool LicenseDialogue::ask(const QString& prompt, QString* answer) {
    out_(prompt);
    if (!in_.readLineInto(answer)) {
        out_(QStringLiteral("\n"));
        return false;
    }
    if (echo_)
        out_(*answer + QLatin1Char('\n'));
    *answer = answer->trimmed();
    return true;
}

std::optional<License> LicenseDialogue::run(const licensing::Product& product, QString* error) {
    const QString ended = QStringLiteral("the input ended before the license was complete");
    License license;
    license.product = product.id;
    license.version = License::Version::Product;
    QString answer;

    out_(QStringLiteral("Selection of License Version.\n1. Product version\n2. Trial version\n"));
    do {
        if (!ask(QStringLiteral("Select License Version. [1 or 2 ] ..."), &answer)) {
            *error = ended;
            return std::nullopt;
        }
    } while (answer != QLatin1String("1") && answer != QLatin1String("2"));
    if (answer == QLatin1String("2")) {
        *error = QStringLiteral(
                     "a trial license is registered from its license file: clplcnsc -i FILE -p %1")
                     .arg(product.id);
        return std::nullopt;
    }

    if (product.isCluster()) {
        static const QRegularExpression number(QStringLiteral("^[0-9]{1,2}$"));
        do {
            if (!ask(QStringLiteral(
                         "Enter the number of license [0(Virtual OS) or 1 to 99 (default:2)] ..."),
                     &answer)) {
                *error = ended;
                return std::nullopt;
            }
        } while (!answer.isEmpty() && !number.match(answer).hasMatch());
        license.count = answer.isEmpty() ? 2 : answer.toInt();
        license.kind = license.count == 0 ? License::Kind::Vm : License::Kind::Cpu;
    } else {
        license.kind = License::Kind::Node; // the manual's node dialogue asks no number
        license.count = 1;
    }

    while (true) {
        if (!ask(QStringLiteral("Enter serial number [Ex. XXX0000000] ... "), &answer)) {
            *error = ended;
            return std::nullopt;
        }
        if (License::isSerial(answer))
            break;
        out_(License::serialError(answer) + QLatin1Char('\n'));
    }
    license.serial = answer;

    while (true) {
        if (!ask(QStringLiteral("Enter license key\n%1 ...").arg(LicenseKey::pattern()), &answer)) {
            *error = ended;
            return std::nullopt;
        }
        QString why;
        if (const auto key = LicenseKey::parse(answer, &why)) {
            license.key = key->text();
            return license;
        }
        out_(why + QLatin1Char('\n'));
    }
}

} // namespace lifeline::cli
