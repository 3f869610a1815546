"""Demo only: wanted notices and a hotline greeting, so the partner sees cooperation at once.
(`demo_exchange` of the exchange app releases recent cases.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from liaison.cooperation import services as cooperation
from liaison.core.commands import Failure
from liaison.core.models import User
from liaison.core.node import this_node
from liaison.exchange.models import Peer

#: Fugitives each side is looking for, in their own script (synthetic names).
FUGITIVES = {
    "VN": [
        (
            "Lò Văn Thắng",
            "Lo Van Thang",
            "1986-04",
            "VN",
            "Mua bán trái phép chất ma túy (Điều 251 BLHS)",
        ),
        (
            "Vi Thị Hoa",
            "Vi Thi Hoa",
            "1991",
            "VN",
            "Vận chuyển trái phép chất ma túy (Điều 250 BLHS)",
        ),
        (
            "Nguyễn Đức Mạnh",
            "Nguyen Duc Manh",
            "1979-11-02",
            "VN",
            "Tổ chức sử dụng trái phép chất ma túy",
        ),
    ],
    "LA": [
        ("ສົມພອນ ແກ້ວມະນີ", "Somphone Keomany", "1984", "LA", "ຄ້າຂາຍຢາເສບຕິດ (ມາດຕາ 314)"),
        ("ບຸນມີ ສີສຸວັນ", "Bounmy Sisouvanh", "1990-07", "LA", "ຂົນສົ່ງຢາເສບຕິດ"),
    ],
}


class Command(BaseCommand):
    help = "Demo only: issue wanted notices to the partner and greet it on the hotline."

    def handle(self, *args: Any, **options: Any) -> None:
        me = this_node()
        admin = User.objects.filter(username="admin").first()
        peer = next((p for p in Peer.objects.order_by("name") if p.is_active), None)
        if admin is None or peer is None:
            raise Failure("demo_exchange needs the user admin and a peer")
        for n, (full, latin, born, nationality, offence) in enumerate(FUGITIVES[me.country], 1):
            cooperation.issue_wanted_notice(
                admin,
                notice_type="red",
                full_name=full,
                latin_name=latin,
                birth_date=born,
                nationality=nationality,
                offences=offence,
                warrant_reference=f"{me.country}-DEMO-{timezone.now():%Y}-{n:03d}",
                warrant_date=timezone.localdate() - dt.timedelta(days=40),
                believed_country=peer.country,
            )
        channel = cooperation.channels_for(admin).filter(level="ministry").first()
        if channel is not None:
            greeting = {
                "VN": (
                    "Chào đồng chí",
                    "Cục C04 sẵn sàng phối hợp xác minh các đối tượng truy nã.",
                ),
                "LA": ("ສະບາຍດີ ສະຫາຍ", "ກົມຕຳຫຼວດສະກັດກັ້ນຢາເສບຕິດ ພ້ອມປະສານງານ."),
            }[me.country]
            cooperation.send_message(admin, channel, subject=greeting[0], body=greeting[1])
        self.stdout.write(
            f"demo cooperation: wanted notices and a hotline greeting for {peer.name}"
        )
