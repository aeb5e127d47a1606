#pragma once

#include "License.h"
#include "Product.h"

#include <QString>
#include <QTextStream>

#include <functional>
#include <optional>

namespace lifeline::cli {

// `clplcnsc -i -p ID`: the manual's registration dialogue (digest §10.4), from a terminal or
// from standard input for scripts:
//
//   Selection of License Version.
//   1. Product version
//   2. Trial version
//   Select License Version. [1 or 2 ] ...1
//   Enter the number of license [0(Virtual OS) or 1 to 99 (default:2)] ...2      (base products
//   only) Enter serial number [Ex. XXX0000000] ... AAA0000000 Enter license key
//   [XXXXXXXX-XXXXXXXX-...-XXXXXXXX (14 groups of 8)] ...AAAAAAAA-...
//
// Bad input is asked again (the serial number and the key after a line that says what is
// wrong). A trial is registered from its file only, so choosing 2 ends the dialogue.
class LicenseDialogue {
public:
    using Output = std::function<void(const QString& text)>;

    // `echo`: write each answer after its prompt, as a terminal shows it (for input that is
    // not a terminal, so that the transcript reads like the manual's).
    LicenseDialogue(QTextStream& in, Output out, bool echo);

    // The license as typed (its key in the product's form); nothing and *error when the input
    // ends first or a trial is chosen. Whether the key is genuine is checked afterwards.
    std::optional<licensing::License> run(const licensing::Product& product, QString* error);

private:
    // Prints `prompt` and reads one line; false at the end of the input.
    bool ask(const QString& prompt, QString* answer);

    QTextStream& in_;
    Output out_;
    bool echo_;
};

} // namespace lifeline::cli
