"""Which network addresses a crawl may connect to: public ones, and the ranges the user allowed.

A page can name any host. Before the crawler connects, the host's address is judged here:
loopback, private, link-local (cloud metadata at 169.254.169.254), multicast, reserved and
unspecified addresses are refused unless the user allowed them, by giving a start URL there
or by listing a network.

    >>> policy = AddressPolicy.from_strings(["10.1.0.0/16"])
    >>> policy.refusal(ip_address("169.254.169.254"))
    'link_local'
    >>> policy.refusal(ip_address("10.1.2.3")) is None
    True
    >>> policy.allowing([ip_address("127.0.0.1")]).refusal(ip_address("127.0.0.2"))
    'loopback'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

IPAddress = IPv4Address | IPv6Address
IPNetwork = IPv4Network | IPv6Network

# RFC 6052 well-known NAT64 prefix: a DNS64 resolver maps every IPv4 host into it.
_NAT64 = IPv6Network("64:ff9b::/96")


def embedded_ipv4(address: IPv6Address) -> IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4 or NAT64), if any.

    >>> embedded_ipv4(IPv6Address("::ffff:127.0.0.1")), embedded_ipv4(IPv6Address("::1"))
    (IPv4Address('127.0.0.1'), None)
    """
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_category(address: IPAddress) -> str | None:
    """Why `address` is not a public unicast address, or None when it is.

    IPv6 forms of an IPv4 address are judged by the IPv4 address they carry.

    >>> address_category(ip_address("10.0.0.1")), address_category(ip_address("::1"))
    ('private', 'loopback')
    >>> address_category(ip_address("64:ff9b::5db8:d822")) is None  # 93.184.216.34 via NAT64
    True
    """
    if isinstance(address, IPv6Address):
        inner = embedded_ipv4(address)
        if inner is not None:
            return address_category(inner)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_multicast:
        return "multicast"
    if address.is_reserved:
        return "reserved"
    if address.is_private or not address.is_global:
        # not is_global: also shared address space (100.64.0.0/10) and documentation ranges
        return "private"
    return None


def host_address(host: str) -> IPAddress | None:
    """The address a host name is written as, or None when it must be resolved.

    >>> host_address("[::1]"), host_address("example.com")
    (IPv6Address('::1'), None)
    """
    try:
        return ip_address(host.strip("[]"))
    except ValueError:
        return None


def parse_networks(values: Iterable[str]) -> tuple[IPNetwork, ...]:
    """Networks from CIDR strings (a bare address is its own /32 or /128).

    >>> parse_networks(["10.0.0.0/8", "fd00::1"])
    (IPv4Network('10.0.0.0/8'), IPv6Network('fd00::1/128'))
    """
    networks: list[IPNetwork] = []
    for value in values:
        value = value.strip()
        if not value:
            continue
        try:
            networks.append(ip_network(value, strict=False))
        except ValueError as exc:
            raise ValueError(f"not a network (CIDR) or address: {value!r}") from exc
    return tuple(networks)


@dataclass(frozen=True)
class AddressPolicy:
    """Refuses non-public addresses outside the networks and addresses the user allowed.

    networks: ranges the user listed (NEWSSPIDER_ALLOWED_PRIVATE_NETWORKS).
    addresses: single addresses allowed because a start URL's host resolved to them; only
        those exact addresses, not their neighbours (a start URL on 127.0.0.1 does not
        allow 127.0.0.2).
    """

    networks: tuple[IPNetwork, ...] = ()
    addresses: frozenset[IPAddress] = frozenset()

    @classmethod
    def from_strings(cls, networks: Iterable[str]) -> AddressPolicy:
        """A policy allowing the networks given as CIDR strings; ValueError on a bad one."""
        return cls(parse_networks(networks))

    def allowing(self, addresses: Iterable[IPAddress]) -> AddressPolicy:
        """This policy, also allowing exactly `addresses`."""
        return AddressPolicy(self.networks, self.addresses | frozenset(addresses))

    def refusal(self, address: IPAddress) -> str | None:
        """The reason to refuse connecting to `address` (its category), or None if allowed."""
        category = address_category(address)
        if category is None or self._allowed(address):
            return None
        if isinstance(address, IPv6Address):
            inner = embedded_ipv4(address)
            if inner is not None and self._allowed(inner):
                return None
        return category

    def _allowed(self, address: IPAddress) -> bool:
        return address in self.addresses or any(address in net for net in self.networks)
