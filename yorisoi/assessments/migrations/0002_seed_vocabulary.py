"""The first curated vocabulary of interests, aptitudes and wishes. Managers edit it afterwards
(/assessments/vocabulary/); codes stay fixed because answers keep them."""

from django.db import migrations

TERMS = {
    "interests": [
        ("games", "ゲーム", "Games"),
        ("music", "音楽", "Music"),
        ("drawing", "絵・イラスト", "Drawing and illustration"),
        ("reading", "読書・漫画", "Books and manga"),
        ("anime_film", "アニメ・映画", "Anime and film"),
        ("computers", "パソコン・プログラミング", "Computers and programming"),
        ("cooking", "料理", "Cooking"),
        ("animals", "動物", "Animals"),
        ("gardening", "植物・園芸", "Plants and gardening"),
        ("nature_walks", "散歩・自然", "Walks and nature"),
        ("sports", "スポーツ・体を動かすこと", "Sports and exercise"),
        ("crafts", "手芸・ものづくり", "Crafts and making things"),
        ("trains", "鉄道・乗り物", "Trains and vehicles"),
        ("photography", "写真", "Photography"),
    ],
    "aptitudes": [
        ("steady_work", "コツコツ続ける作業", "Steady, patient work"),
        ("detail_work", "細かい作業", "Detailed work"),
        ("pc_work", "パソコン作業", "Computer work"),
        ("physical_work", "体を動かす作業", "Physical work"),
        ("working_alone", "一人でする作業", "Working alone"),
        ("small_groups", "少人数での作業", "Working in small groups"),
        ("writing", "文章を書くこと", "Writing"),
        ("numbers", "数字・計算", "Numbers and calculation"),
        ("listening", "人の話を聞くこと", "Listening to people"),
    ],
    "wishes": [
        ("someone_to_talk", "話し相手がほしい", "Someone to talk to"),
        ("try_ibasho", "居場所に行ってみたい", "To try a drop-in place (ibasho)"),
        ("online_contact", "オンラインで人と交流したい", "To meet people online"),
        ("daily_rhythm", "生活リズムを整えたい", "To settle a daily rhythm"),
        ("stamina", "体力をつけたい", "To build stamina"),
        ("qualification", "資格を取りたい", "To gain a qualification"),
        ("short_work", "短い時間から働いてみたい", "To try working a few hours"),
        ("study_again", "学び直したい", "To study again"),
        ("live_alone", "一人暮らしの準備をしたい", "To prepare to live independently"),
        ("medical_care", "医療につながりたい", "To get medical care"),
    ],
}


def seed(apps, schema_editor):
    Term = apps.get_model("assessments", "VocabularyTerm")
    for vocabulary, terms in TERMS.items():
        for order, (code, ja, en) in enumerate(terms, start=1):
            Term.objects.get_or_create(
                vocabulary=vocabulary,
                code=code,
                defaults={"label_ja": ja, "label_en": en, "order": order * 10},
            )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_instruments_assessments_risk")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
