"""Demo centers and staff accounts (password `yorisoi-demo` for all)."""

from django.contrib.auth.hashers import make_password

from .models import Center, Membership, Role, User

DEMO_PASSWORD = "yorisoi-demo"  # noqa: S105 - documented demo password
# Addresses that can never be delivered (.invalid); the demo writes its mail to var/mail/.
DEMO_MAIL_DOMAIN = "yorisoi-demo.invalid"

DEMO_CENTERS = [
    ("ひきこもり地域支援センター 北部", "北部センター", "北区"),
    ("ひきこもり地域支援センター 南部", "南部センター", "南区"),
]

# username, display name, [(center index or None, role)]
DEMO_USERS = [
    ("admin", "システム管理者", [(None, Role.ADMIN)]),
    ("manager1", "北部 センター長（佐藤）", [(0, Role.MANAGER)]),
    ("worker1", "北部 支援員（鈴木）", [(0, Role.WORKER)]),
    ("worker1b", "北部 支援員（高橋）", [(0, Role.WORKER)]),
    ("manager2", "南部 センター長（田中）", [(1, Role.MANAGER)]),
    ("worker2", "南部 支援員（伊藤）", [(1, Role.WORKER)]),
    ("peer1", "ピアサポーター（渡辺）", [(0, Role.PEER)]),
    ("partner1", "就労支援機関 職員（山本）", [(None, Role.PARTNER)]),
    ("analyst1", "市 政策担当（中村）", [(None, Role.ANALYST)]),
]


def load_demo_accounts(stdout=None) -> None:
    centers = []
    for name, short, ward in DEMO_CENTERS:
        center, _ = Center.objects.get_or_create(
            name=name, defaults={"short_name": short, "ward": ward}
        )
        centers.append(center)
    password_hash = None
    for username, display, roles in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user = User.objects.create(
                username=username,
                display_name=display,
                password=password_hash,
                is_staff=username == "admin",
                is_superuser=False,  # the admin role carries the configuration permissions
                email=f"{username}@{DEMO_MAIL_DOMAIN}",
            )
        elif not user.email:  # demo databases made before the demo had mail
            User.objects.filter(pk=user.pk).update(email=f"{username}@{DEMO_MAIL_DOMAIN}")
        for center_index, role in roles:
            Membership.objects.get_or_create(
                user=user,
                center=centers[center_index] if center_index is not None else None,
                role=role,
            )
    if stdout:
        stdout.write(f"Demo accounts: {', '.join(u[0] for u in DEMO_USERS)}")
