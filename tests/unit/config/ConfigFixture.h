#pragma once

// A small valid two-server configuration that tests mutate one rule at a time.
// Addresses are from the 198.18.0.0/15 benchmarking range.

#include "ConfigReader.h"
#include "XmlPath.h"

#include <QDomDocument>
#include <QString>
#include <functional>

namespace fixture {

inline const char* kValidConfig = R"(<?xml version="1.0" encoding="UTF-8"?>
<root>
  <all><charset>UTF-8</charset><serveros>linux</serveros></all>
  <cluster>
    <name>cluster</name>
    <comment>test cluster</comment>
    <heartbeat><interval>100</interval><timeout>1000</timeout></heartbeat>
  </cluster>
  <server name="server1">
    <priority>0</priority>
    <device id="0"><type>lan</type><info>198.18.0.11</info></device>
    <device id="1"><type>lan</type><info>198.19.0.11/24</info></device>
    <device id="300"><type>disk</type><info>/dev/loop7p1</info></device>
    <device id="10200"><type>ping</type><info>1</info></device>
  </server>
  <server name="server2">
    <priority>1</priority>
    <device id="0"><type>lan</type><info>198.18.0.12</info></device>
    <device id="1"><type>lan</type><info>198.19.0.12/24</info></device>
    <device id="300"><type>disk</type><info>/dev/loop7p1</info></device>
    <device id="10200"><type>ping</type><info>1</info></device>
  </server>
  <heartbeat>
    <types name="lanhb"/>
    <lanhb name="lanhb1"><priority>0</priority><device>1</device></lanhb>
    <lanhb name="lanhb2"><priority>1</priority><device>0</device></lanhb>
    <types name="diskhb"/>
    <diskhb name="diskhb1"><priority>2</priority><device>300</device></diskhb>
  </heartbeat>
  <networkpartition>
    <types name="pingnp"/>
    <pingnp name="pingnp1">
      <priority>0</priority><device>10200</device>
      <grp id="0"><list id="0"><ip>198.18.0.254</ip></list></grp>
    </pingnp>
  </networkpartition>
  <group name="failover1">
    <type>failover</type>
    <comment/>
    <resource name="fip@fip1"/>
    <resource name="disk@disk1"/>
    <resource name="exec@exec1"/>
    <policy name="server1"><order>0</order></policy>
    <policy name="server2"><order>1</order></policy>
  </group>
  <resource>
    <types name="fip"/>
    <fip name="fip1"><comment/><parameters><ip>198.18.0.100</ip></parameters></fip>
    <types name="disk"/>
    <disk name="disk1">
      <comment/>
      <parameters>
        <disktype>disk</disktype><device>/dev/loop7p2</device>
        <mount><point>/mnt/disk1</point></mount><fs>ext4</fs>
      </parameters>
      <depend name="fip1"/>
    </disk>
    <types name="exec"/>
    <exec name="exec1">
      <comment/>
      <parameters><act><path>start.sh</path></act><deact><path>stop.sh</path></deact></parameters>
      <depend name="disk1"/>
    </exec>
  </resource>
  <monitor>
    <types name="userw"/>
    <userw name="userw"><relation><type>cls</type><name>LocalServer</name></relation></userw>
    <types name="diskw"/>
    <diskw name="diskw1">
      <parameters><object>/dev/loop7p2</object></parameters>
      <relation><type>grp</type><name>failover1</name></relation>
    </diskw>
    <types name="fipw"/>
    <fipw name="fipw1">
      <target>fip1</target>
      <relation><type>rsc</type><name>fip1</name></relation>
    </fipw>
  </monitor>
  <unknownextension><keep>me</keep></unknownextension>
</root>
)";

// The fixture with `mutate` applied to its DOM, as bytes.
inline QByteArray mutated(const std::function<void(QDomElement root)>& mutate) {
    QDomDocument doc;
    const bool parsed = bool(doc.setContent(QByteArray(kValidConfig)));
    Q_ASSERT(parsed);
    mutate(doc.documentElement());
    return doc.toByteArray(2);
}

inline void setText(QDomElement root, const QString& path, const QString& value) {
    lifeline::config::xml::setText(lifeline::config::xml::ensure(root, path), value);
}

inline QDomElement named(QDomElement parent, const QString& tag, const QString& name) {
    for (auto e = parent.firstChildElement(tag); !e.isNull(); e = e.nextSiblingElement(tag))
        if (e.attribute("name") == name)
            return e;
    return {};
}

inline QDomElement resourceElement(QDomElement root, const QString& type, const QString& name) {
    return named(root.firstChildElement("resource"), type, name);
}

inline QDomElement monitorElement(QDomElement root, const QString& type, const QString& name) {
    return named(root.firstChildElement("monitor"), type, name);
}

inline void removeElement(QDomElement e) { e.parentNode().removeChild(e); }

inline QDomElement append(QDomElement parent, const QString& xmlFragment) {
    QDomDocument frag;
    const bool parsed = bool(frag.setContent(xmlFragment.toUtf8()));
    Q_ASSERT(parsed);
    auto node = parent.ownerDocument().importNode(frag.documentElement(), true).toElement();
    parent.appendChild(node);
    return node;
}

} // namespace fixture
