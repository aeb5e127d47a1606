#include "LicenseView.h"

#include <QDateTime>
#include <QJsonArray>

namespace lifeline::cli {

namespace {
const QCommandLineOption kLicenses(QStringList{"lic"},
                                   "Show the licenses registered on this server and their state.");
// The other views of clpstat, which --lic replaces.
const char* const kOtherViews[] = {"s",  "sv", "grp",    "rsc",  "mon",   "hb",
                                   "np", "cl", "detail", "long", "local", "alert"};

// "Serial Number ........... AAA0000000": the value at column 27.
QString item(const QString& label, const QString& value) {
    return QStringLiteral("%1 %2 %3\n")
        .arg(label, QString(std::max<qsizetype>(1, 24 - label.size()), u'.'), value);
}
} // namespace

void LicenseView::addOptions(QCommandLineParser& parser) {
    parser.addOption(kLicenses);
}

bool LicenseView::requested(const QCommandLineParser& parser) {
    return parser.isSet(kLicenses);
}

bool LicenseView::read(const QCommandLineParser& parser, QJsonObject* args, QString* error) {
    for (const char* other : kOtherViews)
        if (parser.isSet(QLatin1String(other))) {
            *error = QStringLiteral("--lic cannot be combined with --%1").arg(QLatin1String(other));
            return false;
        }
    if (!parser.positionalArguments().isEmpty()) {
        *error = QStringLiteral("--lic takes no NAME");
        return false;
    }
    *args = {};
    return true;
}

QString LicenseView::format(const QJsonObject& report, bool withKey) {
    QString out;
    QHash<QString, int> seq;
    for (const auto& v : report.value("licenses").toArray()) {
        const QJsonObject l = v.toObject();
        const QString product = l.value("product").toString();
        const QString kind = l.value("kind").toString();
        const int count = l.value("count").toInt();
        out += QStringLiteral("< %1 : %2 <%3> >\n")
                   .arg(product, l.value("productName").toString(),
                        l.value("version").toString().toUpper());
        out += item(QStringLiteral("Seq"), QString::number(++seq[product]));
        out += item(QStringLiteral("Kind"),
                    kind == QLatin1String("cpu")  ? QStringLiteral("CPU license")
                    : kind == QLatin1String("vm") ? QStringLiteral("VM node license")
                                                  : QStringLiteral("node license"));
        out += item(QStringLiteral("Serial Number"), l.value("serial").toString());
        out += item(QStringLiteral("License Key"), l.value("key").toString());
        out += item(QStringLiteral("Number of Licenses"), kind == QLatin1String("vm")
                                                              ? QStringLiteral("0 (Virtual OS)")
                                                              : QString::number(count));
        if (l.contains("expiry"))
            out += item(QStringLiteral("Trial End"),
                        QDateTime::fromString(l.value("expiry").toString(), Qt::ISODate)
                            .toLocalTime()
                            .toString(QStringLiteral("yyyy/MM/dd HH:mm:ss")));
        const QString message = l.value("message").toString();
        out += item(QStringLiteral("Status"),
                    l.value("status").toString() +
                        (message.isEmpty() ? QString() : QStringLiteral(": ") + message));
    }
    // lifelined's license gate (`licenses` only; clplcnsc -l reads the store without it).
    if (report.contains("cluster")) {
        const QJsonObject gate = report.value("cluster").toObject();
        const QString product = gate.value("product").toString();
        QString text;
        if (gate.value("verdict").toString() != QLatin1String("licensed"))
            text = gate.value("message").toString() +
                   (gate.value("heldBack").toBool()
                        ? QStringLiteral(" (the cluster service waits for a license)")
                        : QString());
        else if (gate.value("vm").toBool())
            text = QStringLiteral("licensed (%1, VM node license)").arg(product);
        else
            text = QStringLiteral("licensed (%1, %2 CPUs in the cluster, %3 licensed%4)")
                       .arg(product)
                       .arg(gate.value("neededCpus").toInt())
                       .arg(gate.value("licensedCpus").toInt())
                       .arg(gate.value("shortfall").toInt() > 0
                                ? QStringLiteral(": insufficient by %1").arg(gate.value("shortfall").toInt())
                                : QString());
        out += item(QStringLiteral("Cluster License"), text);
    }
    if (withKey) {
        const QJsonObject key = report.value("publicKey").toObject();
        out +=
            item(QStringLiteral("Public Key"),
                 key.value("fingerprint").toString() +
                     (key.value("test").toBool()
                          ? QStringLiteral(
                                " (TEST key: licenses made with tests/keys are accepted; not for "
                                "production)")
                          : QString()));
    }
    return out;
}

} // namespace lifeline::cli
