// Every validation rule: a failing input and the exact message it gives.

#include "ConfigFixture.h"

#include <QTest>

using namespace lifeline::config;
using namespace fixture;

namespace {

struct Case {
    const char* name;
    std::function<void(QDomElement)> mutate;
    const char* expected; // full diagnostic text
    int maxFindings = 2;  // other findings the same mutation may fairly cause
};

// Adds monitor httpw1 with these <parameters>.
std::function<void(QDomElement)> addHttpw(const QString& parameters) {
    return [parameters](QDomElement r) {
        append(r.firstChildElement("monitor"),
               "<httpw name=\"httpw1\"><parameters>" + parameters + "</parameters></httpw>");
    };
}

const QList<Case>& cases() {
    static const QList<Case> table{
        {"unnamed cluster", [](QDomElement r) { setText(r, "cluster/name", ""); },
         "error: cluster / name: the cluster has no name"},
        {"windows config",
         [](QDomElement r) { setText(r, "all/serveros", "windows"); },
         "error: all / serveros: the configuration is for Windows servers; Lifeline runs on Linux"},
        {"timeout below twice interval",
         [](QDomElement r) { setText(r, "cluster/heartbeat/timeout", "150"); },
         "error: cluster / heartbeat/timeout: timeout 150 ms is less than twice the interval "
         "(100 ms): one late packet would mark a server down"},
        {"number not a number",
         [](QDomElement r) { setText(r, "cluster/heartbeat/interval", "fast"); },
         "error: cluster/heartbeat/interval: \"fast\" is not a number of milliseconds"},
        {"number out of range",
         [](QDomElement r) { setText(r, "cluster/heartbeat/interval", "5"); },
         "error: cluster/heartbeat/interval: 5 ms is out of range (10 to 60000 ms)"},
        {"seconds out of range",
         [](QDomElement r) {
             setText(monitorElement(r, "diskw", "diskw1"), "polling/interval", "1000");
         },
         "error: monitor \"diskw1\" / polling/interval: 1000 s is out of range (0.05 to 999 s)"},
        {"np action that keeps the isolated side running",
         [](QDomElement r) { setText(r, "cluster/networkpartition/npaction", "2"); },
         "error: cluster / networkpartition/npaction: action 2 (Stop group) would leave an "
         "isolated server running its groups; use 3 (stop the cluster service) to 8"},
        {"port clash",
         [](QDomElement r) { setText(r, "cluster/port/webmgr", "29001"); },
         "error: cluster / port/webmgr: port 29001 is also the internal port"},
        {"duplicate server name",
         [](QDomElement r) {
             named(r, "server", "server2").setAttribute("name", "server1");
         },
         "error: server \"server1\": server name \"server1\" is defined more than once"},
        {"bad server name",
         [](QDomElement r) { named(r, "server", "server2").setAttribute("name", "server 2"); },
         "error: server \"server 2\": name \"server 2\" is not valid: use letters, digits, '-', "
         "'_' and '.', at most 63 characters, starting with a letter or digit"},
        {"duplicate priority",
         [](QDomElement r) { setText(named(r, "server", "server2"), "priority", "0"); },
         "error: server \"server2\" / priority: priority 0 is also the priority of server "
         "\"server1\""},
        {"duplicate device id",
         [](QDomElement r) {
             append(named(r, "server", "server1"),
                    "<device id=\"0\"><type>lan</type><info>198.18.0.21</info></device>");
         },
         "error: server \"server1\" / device 0: device id 0 is defined more than once"},
        {"bad lan address",
         [](QDomElement r) {
             setText(named(r, "server", "server1").firstChildElement("device"), "info", "300.1.1.1");
         },
         "error: server \"server1\" / device 0: \"300.1.1.1\" is not an IP address (a.b.c.d or "
         "a.b.c.d/len)"},
        {"no lan heartbeat",
         [](QDomElement r) {
             auto hb = r.firstChildElement("heartbeat");
             removeElement(named(hb, "lanhb", "lanhb1"));
             removeElement(named(hb, "lanhb", "lanhb2"));
         },
         "error: heartbeat: no LAN heartbeat is defined: at least one lanhb or lankhb is required"},
        {"heartbeat device undefined",
         [](QDomElement r) {
             setText(named(r.firstChildElement("heartbeat"), "lanhb", "lanhb1"), "device", "7");
         },
         "error: heartbeat \"lanhb1\": uses device 7, which no server defines"},
        {"heartbeat device missing on a server",
         [](QDomElement r) {
             auto s2 = named(r, "server", "server2");
             for (auto d = s2.firstChildElement("device"); !d.isNull(); d = d.nextSiblingElement("device"))
                 if (d.attribute("id") == "1") {
                     removeElement(d);
                     break;
                 }
         },
         "warning: heartbeat \"lanhb1\": device 1 is not defined on server(s) server2, so they "
         "do not use this path"},
        {"heartbeat device of wrong type",
         [](QDomElement r) {
             setText(named(r.firstChildElement("heartbeat"), "lanhb", "lanhb2"), "device", "300");
         },
         "error: heartbeat \"lanhb2\": uses device 300, which is a disk device on server "
         "\"server1\"; a lanhb needs a lan device"},
        {"heartbeat without device",
         [](QDomElement r) {
             removeElement(named(r.firstChildElement("heartbeat"), "lanhb", "lanhb2")
                               .firstChildElement("device"));
         },
         "error: heartbeat \"lanhb2\": has no <device>: it must name the device id it uses"},
        {"unsupported heartbeat",
         [](QDomElement r) {
             append(r.firstChildElement("heartbeat"),
                    "<witnesshb name=\"witnesshb1\"><priority>5</priority></witnesshb>");
         },
         "error: heartbeat \"witnesshb1\": type witnesshb (Witness Heartbeat) is not supported by "
         "Lifeline"},
        {"unknown heartbeat type",
         [](QDomElement r) {
             append(r.firstChildElement("heartbeat"), "<foohb name=\"foo1\"/>");
         },
         "error: heartbeat \"foo1\": unknown heartbeat type \"foohb\""},
        {"duplicate heartbeat name",
         [](QDomElement r) {
             named(r.firstChildElement("heartbeat"), "lanhb", "lanhb2").setAttribute("name", "lanhb1");
         },
         "error: heartbeat \"lanhb1\": heartbeat name \"lanhb1\" is defined more than once"},
        {"no np resolution",
         [](QDomElement r) { removeElement(r.firstChildElement("networkpartition")); },
         "warning: networkpartition: no network partition resolution is configured: if every "
         "heartbeat path fails, every server takes over the groups (dangerous with a shared disk)"},
        {"bad ping target",
         [](QDomElement r) {
             setText(named(r.firstChildElement("networkpartition"), "pingnp", "pingnp1"),
                     "grp[0]/list[0]/ip", "gateway");
         },
         "error: networkpartition \"pingnp1\": ping target \"gateway\" is not an IP address"},
        {"np without target",
         [](QDomElement r) {
             removeElement(named(r.firstChildElement("networkpartition"), "pingnp", "pingnp1")
                               .firstChildElement("grp"));
         },
         "error: networkpartition \"pingnp1\": has no ping target (grp/list/ip)"},
        {"unsupported np",
         [](QDomElement r) {
             append(r.firstChildElement("networkpartition"), "<httpnp name=\"httpnp1\"/>");
         },
         "error: networkpartition \"httpnp1\": type httpnp (http resolution) is not supported by "
         "Lifeline"},
        {"undefined resource in group",
         [](QDomElement r) { append(named(r, "group", "failover1"), "<resource name=\"fip@fip9\"/>"); },
         "error: group \"failover1\": lists resource \"fip9\", which is not defined"},
        {"malformed resource reference",
         [](QDomElement r) { append(named(r, "group", "failover1"), "<resource name=\"fip9\"/>"); },
         "error: group \"failover1\": resource reference \"fip9\" is not of the form type@name"},
        {"resource type mismatch",
         [](QDomElement r) {
             named(named(r, "group", "failover1"), "resource", "fip@fip1").setAttribute("name", "vip@fip1");
         },
         "error: group \"failover1\": lists resource \"fip1\" as type vip, but it is defined as "
         "type fip"},
        {"resource in two groups",
         [](QDomElement r) {
             append(r, "<group name=\"failover2\"><resource name=\"fip@fip1\"/></group>");
         },
         "error: group \"failover2\": lists resource \"fip1\", which group \"failover1\" also "
         "lists; a resource belongs to one group"},
        {"duplicate group",
         [](QDomElement r) { append(r, "<group name=\"failover1\"/>"); },
         "error: group \"failover1\": group name \"failover1\" is defined more than once"},
        {"undefined policy server",
         [](QDomElement r) {
             append(named(r, "group", "failover1"), "<policy name=\"server9\"><order>2</order></policy>");
         },
         "error: group \"failover1\": server \"server9\" in its failover policy is not defined"},
        {"unsupported group type",
         [](QDomElement r) { append(r, "<group name=\"vm1\"><type>virtualmachine</type></group>"); },
         "error: group \"vm1\": type virtualmachine (virtual machine group) is not supported by "
         "Lifeline"},
        {"empty group",
         [](QDomElement r) { append(r, "<group name=\"empty1\"/>"); },
         "warning: group \"empty1\": has no resources"},
        {"undefined dependency",
         [](QDomElement r) {
             append(resourceElement(r, "disk", "disk1"), "<depend name=\"fip9\"/>");
         },
         "error: group \"failover1\" / resource \"disk1\": depends on \"fip9\", which is not "
         "defined"},
        {"dependency cycle",
         [](QDomElement r) { append(resourceElement(r, "fip", "fip1"), "<depend name=\"exec1\"/>"); },
         "error: group \"failover1\" / resource \"fip1\": dependency cycle: fip1 -> exec1 -> "
         "disk1 -> fip1"},
        {"self dependency",
         [](QDomElement r) { append(resourceElement(r, "fip", "fip1"), "<depend name=\"fip1\"/>"); },
         "error: group \"failover1\" / resource \"fip1\": dependency cycle: fip1 -> fip1"},
        {"unsupported resource type",
         [](QDomElement r) {
             append(r.firstChildElement("resource"), "<md name=\"md1\"/>");
             append(named(r, "group", "failover1"), "<resource name=\"md@md1\"/>");
         },
         "error: group \"failover1\" / resource \"md1\": type md (Mirror disk resource) is not "
         "supported by Lifeline"},
        {"unknown resource type",
         [](QDomElement r) { append(r.firstChildElement("resource"), "<foo name=\"foo1\"/>"); },
         "error: resource \"foo1\": unknown resource type \"foo\""},
        {"resource outside groups",
         [](QDomElement r) {
             append(r.firstChildElement("resource"),
                    "<fip name=\"fip2\"><parameters><ip>198.18.0.101</ip></parameters></fip>");
         },
         "warning: resource \"fip2\": is not in any group, so it is never activated"},
        {"fip without address",
         [](QDomElement r) {
             removeElement(resourceElement(r, "fip", "fip1").firstChildElement("parameters"));
         },
         "error: group \"failover1\" / resource \"fip1\" / parameters/ip: required value is "
         "missing (Floating IP address.)"},
        {"fip not an address",
         [](QDomElement r) { setText(resourceElement(r, "fip", "fip1"), "parameters/ip", "x.y"); },
         "error: group \"failover1\" / resource \"fip1\" / parameters/ip: \"x.y\" is not an IP "
         "address"},
        {"fip outside subnets",
         [](QDomElement r) {
             setText(resourceElement(r, "fip", "fip1"), "parameters/ip", "198.18.5.1");
         },
         "error: group \"failover1\" / resource \"fip1\" / parameters/ip: 198.18.5.1 is not in "
         "the subnet of any LAN of server \"server1\" (198.18.0.11/24, 198.19.0.11/24), which "
         "can run group \"failover1\""},
        {"fip equals a server address",
         [](QDomElement r) {
             setText(resourceElement(r, "fip", "fip1"), "parameters/ip", "198.18.0.12");
         },
         "error: group \"failover1\" / resource \"fip1\" / parameters/ip: 198.18.0.12 is the own "
         "address of server \"server2\" (device 0); a floating IP must be unassigned"},
        {"fip on the interconnect only of one server",
         [](QDomElement r) {
             setText(named(r, "server", "server2").firstChildElement("device"), "info", "198.20.0.12");
         },
         "error: group \"failover1\" / resource \"fip1\" / parameters/ip: 198.18.0.100 is not in "
         "the subnet of any LAN of server \"server2\" (198.20.0.12/24, 198.19.0.12/24), which "
         "can run group \"failover1\""},
        {"two resources one address",
         [](QDomElement r) {
             append(r.firstChildElement("resource"),
                    "<fip name=\"fip2\"><parameters><ip>198.18.0.100</ip></parameters></fip>");
             append(named(r, "group", "failover1"), "<resource name=\"fip@fip2\"/>");
         },
         "error: group \"failover1\" / resource \"fip2\" / parameters/ip: 198.18.0.100 is also "
         "the address of resource \"fip1\""},
        {"disk without mount point",
         [](QDomElement r) {
             removeElement(resourceElement(r, "disk", "disk1").firstChildElement("parameters").firstChildElement("mount"));
         },
         "error: group \"failover1\" / resource \"disk1\" / parameters/mount/point: required "
         "value is missing (mount point)"},
        {"disk with unsupported file system",
         [](QDomElement r) { setText(resourceElement(r, "disk", "disk1"), "parameters/fs", "ntfs"); },
         "error: group \"failover1\" / resource \"disk1\" / parameters/fs: \"ntfs\" is not one of "
         "ext3, ext4, xfs"},
        {"disk device shared by two resources",
         [](QDomElement r) {
             append(r.firstChildElement("resource"),
                    "<disk name=\"disk2\"><parameters><device>/dev/loop7p2</device>"
                    "<mount><point>/mnt/disk2</point></mount></parameters></disk>");
             append(named(r, "group", "failover1"), "<resource name=\"disk@disk2\"/>");
         },
         "error: group \"failover1\" / resource \"disk2\" / parameters/device: device "
         "/dev/loop7p2 is also used by resource \"disk1\""},
        {"disk heartbeat on a disk resource's device",
         [](QDomElement r) {
             setText(resourceElement(r, "disk", "disk1"), "parameters/device", "/dev/loop7p1");
             setText(monitorElement(r, "diskw", "diskw1"), "parameters/object", "/dev/loop7p1");
         },
         "error: heartbeat \"diskhb1\": device /dev/loop7p1 of server \"server1\" is also used by "
         "resource \"disk1\"; a disk heartbeat needs a partition of its own"},
        {"disk heartbeat on a disk monitor's device",
         [](QDomElement r) {
             setText(monitorElement(r, "diskw", "diskw1"), "parameters/object", "/dev/loop7p1");
         },
         "error: heartbeat \"diskhb1\": device /dev/loop7p1 of server \"server1\" is also used by "
         "monitor \"diskw1\"; a disk heartbeat needs a partition of its own"},
        {"two disk heartbeats on one partition",
         [](QDomElement r) {
             append(r.firstChildElement("heartbeat"),
                    "<diskhb name=\"diskhb2\"><priority>3</priority><device>300</device></diskhb>");
         },
         "error: heartbeat \"diskhb2\": device /dev/loop7p1 of server \"server1\" is also used by "
         "heartbeat \"diskhb1\"; a disk heartbeat needs a partition of its own"},
        {"disk heartbeat device named by file system UUID",
         [](QDomElement r) {
             setText(named(r, "server", "server1").lastChildElement("device").previousSiblingElement("device"),
                     "info", "UUID=0a1b-2c3d");
         },
         "error: server \"server1\" / device 300: \"UUID=0a1b-2c3d\" names a file system, and a "
         "disk heartbeat partition has none: give its path (/dev/sdb2, /dev/disk/by-id/..., "
         "/dev/disk/by-path/...)"},
        {"disk lock on a disk resource's device",
         [](QDomElement r) {
             append(r.firstChildElement("networkpartition"),
                    "<disknp name=\"disknp1\"><priority>1</priority><device>300</device></disknp>");
             setText(resourceElement(r, "disk", "disk1"), "parameters/device", "/dev/loop7p1");
             setText(monitorElement(r, "diskw", "diskw1"), "parameters/object", "/dev/loop7p1");
         },
         "error: networkpartition \"disknp1\": device /dev/loop7p1 of server \"server1\" is also "
         "used by resource \"disk1\"; the disk lock needs a diskhb partition or one of its own",
         4}, // used by the resource and the monitor, for the lock and for the disk heartbeat
        {"two disk locks on one partition",
         [](QDomElement r) {
             append(r.firstChildElement("networkpartition"),
                    "<disknp name=\"disknp1\"><priority>1</priority><device>300</device></disknp>");
             append(r.firstChildElement("networkpartition"),
                    "<disknp name=\"disknp2\"><priority>2</priority><device>300</device></disknp>");
         },
         "error: networkpartition \"disknp2\": device /dev/loop7p1 of server \"server1\" also "
         "holds the disk lock of \"disknp1\"",
         3}, // and the "second disk lock is not used" warning
        {"disk lock device of type lan",
         [](QDomElement r) {
             append(r.firstChildElement("networkpartition"),
                    "<disknp name=\"disknp1\"><priority>1</priority><device>0</device></disknp>");
         },
         "error: networkpartition \"disknp1\": uses device 0, which is a lan device on server "
         "\"server1\"; a disknp needs a disk device",
         4}, // on each server, and the address is not a partition path
        {"com heartbeat on three servers",
         [](QDomElement r) {
             for (const char* server : {"server1", "server2"})
                 append(named(r, "server", server),
                        "<device id=\"400\"><type>com</type><info>/dev/ttyS0</info></device>");
             append(r, "<server name=\"server3\"><priority>2</priority>"
                       "<device id=\"0\"><type>lan</type><info>198.18.0.13</info></device>"
                       "<device id=\"1\"><type>lan</type><info>198.19.0.13/24</info></device>"
                       "<device id=\"300\"><type>disk</type><info>/dev/loop7p1</info></device>"
                       "<device id=\"10200\"><type>ping</type><info>1</info></device>"
                       "<device id=\"400\"><type>com</type><info>/dev/ttyS0</info></device>"
                       "</server>");
             append(r.firstChildElement("heartbeat"),
                    "<comhb name=\"comhb1\"><priority>3</priority><device>400</device></comhb>");
         },
         "error: heartbeat \"comhb1\": device 400 is defined on 3 servers (server1, server2, "
         "server3); a COM heartbeat links exactly two servers"},
        {"com heartbeat speed not a baud rate",
         [](QDomElement r) {
             for (const char* server : {"server1", "server2"})
                 append(named(r, "server", server),
                        "<device id=\"400\"><type>com</type><info>/dev/ttyS0</info></device>");
             append(r.firstChildElement("heartbeat"),
                    "<comhb name=\"comhb1\"><priority>3</priority><device>400</device>"
                    "<parameters><speed>12345</speed></parameters></comhb>");
         },
         "error: heartbeat \"comhb1\" / parameters/speed: \"12345\" is not one of 1200, 2400, "
         "4800, 9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600"},
        {"act retry out of range",
         [](QDomElement r) { setText(resourceElement(r, "exec", "exec1"), "act/retry", "100"); },
         "error: group \"failover1\" / resource \"exec1\" / act/retry: 100 is out of range (0 to "
         "99)"},
        {"exec timeout not a number",
         [](QDomElement r) {
             setText(resourceElement(r, "exec", "exec1"), "parameters/timeout/start", "__SSS__");
         },
         "error: group \"failover1\" / resource \"exec1\" / parameters/timeout/start: \"__SSS__\" "
         "is not a number of seconds (up to 3 decimals)"},
        {"unsupported monitor",
         [](QDomElement r) { append(r.firstChildElement("monitor"), "<mysqlw name=\"mysqlw1\"/>"); },
         "error: monitor \"mysqlw1\": type mysqlw (MySQL monitor) is not supported by Lifeline"},
        {"duplicate monitor",
         [](QDomElement r) {
             monitorElement(r, "fipw", "fipw1").setAttribute("name", "diskw1");
         },
         "error: monitor \"diskw1\": monitor name \"diskw1\" is defined more than once"},
        {"monitor target undefined",
         [](QDomElement r) { setText(monitorElement(r, "fipw", "fipw1"), "target", "fip9"); },
         "error: monitor \"fipw1\" / target: target resource \"fip9\" is not defined"},
        {"recovery group undefined",
         [](QDomElement r) { setText(monitorElement(r, "diskw", "diskw1"), "relation/name", "failover9"); },
         "error: monitor \"diskw1\" / relation: recovery target group \"failover9\" is not "
         "defined"},
        {"recovery resource undefined",
         [](QDomElement r) { setText(monitorElement(r, "fipw", "fipw1"), "relation/name", "fip9"); },
         "error: monitor \"fipw1\" / relation: recovery target resource \"fip9\" is not defined"},
        {"monitor server undefined",
         [](QDomElement r) {
             auto m = monitorElement(r, "fipw", "fipw1");
             auto s = m.ownerDocument().createElement("server");
             s.setAttribute("name", "server9");
             m.appendChild(s);
         },
         "error: monitor \"fipw1\" / server \"server9\": server \"server9\" is not defined; a monitor "
         "runs only on servers of the cluster"},
        {"recovery type unknown",
         [](QDomElement r) { setText(monitorElement(r, "fipw", "fipw1"), "relation/type", "node"); },
         "error: monitor \"fipw1\" / relation/type: \"node\" is not one of cls, grp, rsc"},
        {"diskw without object",
         [](QDomElement r) {
             removeElement(monitorElement(r, "diskw", "diskw1").firstChildElement("parameters"));
         },
         "error: monitor \"diskw1\" / parameters/object: required value is missing (Device to "
         "check.)"},
        {"ipw without address",
         [](QDomElement r) {
             append(r.firstChildElement("monitor"),
                    "<ipw name=\"ipw1\"><relation><type>grp</type><name>failover1</name></relation></ipw>");
         },
         "error: monitor \"ipw1\" / parameters: has no IP address to ping (list/ip)"},
        {"pidw without target",
         [](QDomElement r) { append(r.firstChildElement("monitor"), "<pidw name=\"pidw1\"/>"); },
         "error: monitor \"pidw1\" / target: a PID monitor needs the exec resource it watches as "
         "its target"},
        {"mtw with unknown monitor",
         [](QDomElement r) {
             append(r.firstChildElement("monitor"),
                    "<mtw name=\"mtw1\"><parameters><list id=\"0\">ipw9</list></parameters></mtw>");
         },
         "error: monitor \"mtw1\" / parameters/list[0]: monitor \"ipw9\" is not defined"},
        {"httpw address not an IP",
         addHttpw("<ipaddress>web.example</ipaddress>"),
         "error: monitor \"httpw1\" / parameters/ipaddress: \"web.example\" is not an IP address"},
        {"httpw uri not a path",
         addHttpw("<uri>index.html</uri>"),
         "error: monitor \"httpw1\" / parameters/uri: \"index.html\" is not a path on the HTTP "
         "server: it starts with one / and has no spaces (e.g. /index.html)"},
        {"httpw protocol unknown",
         addHttpw("<protocol>FTP</protocol>"),
         "error: monitor \"httpw1\" / parameters/protocol: \"FTP\" is not one of HTTP, HTTPS"},
        {"httpw port out of range",
         addHttpw("<port>0</port>"),
         "error: monitor \"httpw1\" / parameters/port: 0 is out of range (1 to 65535)"},
        {"httpw request type unknown",
         addHttpw("<requesttype>POST</requesttype>"),
         "error: monitor \"httpw1\" / parameters/requesttype: \"POST\" is not one of HEAD, GET"},
        {"no server",
         [](QDomElement r) {
             removeElement(named(r, "server", "server1"));
             removeElement(named(r, "server", "server2"));
         },
         "error: server: no server is defined", 99},
        {"missing name attribute",
         [](QDomElement r) { append(r, "<group><type>failover</type></group>"); },
         "error: <group>: a group has no name attribute"},
    };
    return table;
}

} // namespace

class TestValidator : public QObject {
    Q_OBJECT
private slots:
    void validFixtureHasNoDiagnostics() {
        const auto loaded = parseConfig(QByteArray(fixture::kValidConfig), "fixture");
        QVERIFY2(loaded.diagnostics.items().isEmpty(),
                 qPrintable(loaded.diagnostics.texts().join('\n')));
        QCOMPARE(loaded.config.servers.size(), 2);
        QCOMPARE(loaded.config.resources.size(), 3);
    }

    // httpw with every parameter given, and with none (the defaults), is valid.
    void httpwIsAccepted() {
        auto mutated_ = mutated([](QDomElement r) {
            append(r.firstChildElement("monitor"), "<httpw name=\"httpw0\"/>");
            append(r.firstChildElement("monitor"),
                   "<httpw name=\"httpw1\"><target>exec1</target><parameters>"
                   "<ipaddress>::1</ipaddress><port>8443</port><uri>/health?deep=1</uri>"
                   "<protocol>HTTPS</protocol><requesttype>GET</requesttype></parameters></httpw>");
        });
        const auto loaded = parseConfig(mutated_, "case.conf");
        QVERIFY2(loaded.diagnostics.items().isEmpty(),
                 qPrintable(loaded.diagnostics.texts().join('\n')));
        QCOMPARE(loaded.config.monitor("httpw1")->param("uri"), QString("/health?deep=1"));
        QCOMPARE(loaded.config.monitor("httpw0")->param("port"), QString("80"));
    }

    // disknp may share the diskhb partition: the heartbeat leaves the lock's block free.
    void diskLockOnTheDiskHeartbeatPartitionIsAccepted() {
        auto mutated_ = mutated([](QDomElement r) {
            append(r.firstChildElement("networkpartition"),
                   "<disknp name=\"disknp1\"><priority>1</priority><device>300</device></disknp>");
        });
        const auto loaded = parseConfig(mutated_, "case.conf");
        QVERIFY2(loaded.diagnostics.items().isEmpty(), qPrintable(loaded.diagnostics.texts().join('\n')));
        QCOMPARE(loaded.config.npResources.size(), 2);
    }

    void rule_data() {
        QTest::addColumn<int>("index");
        for (int i = 0; i < cases().size(); ++i)
            QTest::newRow(cases()[i].name) << i;
    }

    void rule() {
        QFETCH(int, index);
        const auto& c = cases()[index];
        const auto loaded = parseConfig(mutated(c.mutate), "case.conf");
        // Positions depend on how the mutated DOM was printed; tst_configdocument
        // checks them. Here the path and the message must match exactly.
        QStringList texts;
        for (auto d : loaded.diagnostics.items()) {
            d.line = 0;
            texts << d.text();
        }
        QVERIFY2(texts.contains(QString::fromUtf8(c.expected)),
                 qPrintable("expected:\n  " + QString::fromUtf8(c.expected) + "\ngot:\n  " +
                            texts.join("\n  ")));
        const bool expectError = QString::fromUtf8(c.expected).startsWith("error:");
        QCOMPARE(loaded.ok(), !expectError);
        // No rule may drown its message in noise: one finding per case.
        QVERIFY2(texts.size() <= c.maxFindings, qPrintable(texts.join("\n")));
    }
};

QTEST_GUILESS_MAIN(TestValidator)
#include "tst_validator.moc"
