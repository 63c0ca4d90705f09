"""Arabic news prose built from real Arabic words: headlines, sentences, captions, tags."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from newsspider.demo.model import City


@dataclass(frozen=True)
class ArabicVerb:
    """A verb in the past and present tense, masculine and feminine."""

    past_m: str
    past_f: str
    pres_m: str
    pres_f: str

    def past(self, feminine: bool) -> str:
        """The past tense agreeing with the subject."""
        return self.past_f if feminine else self.past_m

    def present(self, feminine: bool) -> str:
        """The present tense agreeing with the subject."""
        return self.pres_f if feminine else self.pres_m


@dataclass(frozen=True)
class Subject:
    """A grammatical subject and its gender."""

    name: str
    feminine: bool


@dataclass(frozen=True)
class ArabicTopic:
    """Words and phrases for one topic of Arabic news."""

    subjects: tuple[Subject, ...]
    verbs: tuple[ArabicVerb, ...]
    objects: tuple[str, ...]
    claims: tuple[str, ...]
    subheads: tuple[str, ...]
    captions: tuple[str, ...]
    tags: tuple[str, ...]
    roles: tuple[str, ...]


def _list(spec: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in spec.split("|"))


def _subjects(spec: str) -> tuple[Subject, ...]:
    pairs = (part.rsplit("/", 1) for part in _list(spec))
    return tuple(Subject(name, gender == "f") for name, gender in pairs)


def _verbs(spec: str) -> tuple[ArabicVerb, ...]:
    return tuple(
        ArabicVerb(*(word.replace("_", " ") for word in part.split())) for part in spec.split(";")
    )


TOPICS_AR: Mapping[str, ArabicTopic] = MappingProxyType(
    {
        "politics": ArabicTopic(
            subjects=_subjects(
                "الحكومة/f | وزارة الخارجية/f | البرلمان/m | الجيش/m | المعارضة/f | رئيس الوزراء/m"
                " | مجلس الأمن الدولي/m | قوات النظام/f | الرئاسة/f | الأمم المتحدة/f"
                " | جامعة الدول العربية/f | وزير الداخلية/m | التحالف الدولي/m"
            ),
            verbs=_verbs(
                "أعلن أعلنت يعلن تعلن; رفض رفضت يرفض ترفض; أقر أقرت يقر تقر; أدان أدانت يدين تدين;"
                " بحث بحثت يبحث تبحث; أرجأ أرجأت يرجئ ترجئ; دعم دعمت يدعم تدعم;"
                " انتقد انتقدت ينتقد تنتقد; وقع وقعت يوقع توقع; اقترح اقترحت يقترح تقترح"
            ),
            objects=_list(
                "اتفاق وقف إطلاق النار | مشروع الدستور الجديد | تشكيل حكومة جديدة"
                " | إجراء انتخابات مبكرة | محادثات السلام | اتفاقية أمنية جديدة | قانون الطوارئ"
                " | صفقة لتبادل الأسرى | خطة لإعادة الإعمار | العقوبات المفروضة على مسؤولين كبار"
                " | الاتفاق النووي | مبادرة للحوار الوطني | فتح ممر إنساني"
            ),
            claims=_list(
                "الوضع الأمني لا يزال هشا | المفاوضات لم تحقق أي تقدم حقيقي"
                " | التصويت سيجري في موعده | عشرات العائلات نزحت من المنطقة"
                " | وقف إطلاق النار صامد إلى حد كبير | القرار يخالف الاتفاقات السابقة"
                " | الوفد سيعود الأسبوع المقبل"
            ),
            subheads=_list(
                "سقوط ضحايا مدنيين | تعثر المفاوضات | احتجاجات جديدة | ضغوط دولية | هدنة هشة"
                " | دعوات إلى ضبط النفس"
            ),
            captions=_list(
                "خريطة المنطقة وتظهر فيها {city} | عناصر من قوات الأمن في أحد شوارع {city}"
                " | جانب من الاجتماع في {city} | متظاهرون في وسط {city}"
            ),
            tags=_list(
                "سورية | لبنان | العراق | الانتخابات | الأمم المتحدة | الدبلوماسية | اللاجئون"
                " | حقوق الإنسان | الشرق الأوسط"
            ),
            roles=_list(
                "المتحدث باسم وزارة الخارجية | المحلل السياسي | الدبلوماسي البارز"
                " | النائب في البرلمان | مدير المرصد السوري لحقوق الإنسان"
            ),
        ),
        "economy": ArabicTopic(
            subjects=_subjects(
                "البنك المركزي/m | وزارة المالية/f | البورصة/f | صندوق النقد الدولي/m"
                " | البنك الدولي/m | شركة الطيران الوطنية/f | غرفة التجارة/f"
                " | المكتب الشريف للفوسفات/m | الهيئة العامة للإحصاء/f | منظمة أوبك/f"
            ),
            verbs=_verbs(
                "رفع رفعت يرفع ترفع; خفض خفضت يخفض تخفض; أعلن أعلنت يعلن تعلن; جمد جمدت يجمد تجمد;"
                " أطلق أطلقت يطلق تطلق; راجع راجعت يراجع تراجع; أقر أقرت يقر تقر;"
                " أرجأ أرجأت يرجئ ترجئ"
            ),
            objects=_list(
                "أسعار الفائدة | توقعات النمو للعام المقبل | قرضا بقيمة مليار دولار"
                " | الدعم على الوقود | ضريبة جديدة على الواردات | هدف عجز الموازنة"
                " | مشروعا للطاقة الشمسية | إصدار سندات دولية | الحد الأدنى للأجور"
                " | منطقة تجارة حرة | برنامج الخصخصة | الرسوم الجمركية على الصلب"
            ),
            claims=_list(
                "النمو سيتباطأ في النصف الثاني من العام | العجز تراجع للعام الثالث على التوالي"
                " | أسعار السلع الأساسية ارتفعت بشكل حاد"
                " | احتياطي العملات الأجنبية بلغ مستوى قياسيا"
                " | الإصلاح سيطبق على مرحلتين | عائدات السياحة عادت إلى الارتفاع"
            ),
            subheads=_list("تباطؤ التضخم | وظائف على المحك | توقعات حذرة | ترقب المستثمرين"),
            captions=_list(
                "متعاملون في البورصة في {city} | حاويات في ميناء {city}"
                " | متسوقون في سوق شعبي في {city} | مقر البنك المركزي في {city}"
            ),
            tags=_list(
                "النفط | التضخم | المصارف | التجارة | الاستثمار | أوبك | البطالة | السياحة | الطاقة"
            ),
            roles=_list(
                "الخبير الاقتصادي | رئيس غرفة التجارة | وزير المالية"
                " | المحلل في أحد بنوك الاستثمار الخليجية"
            ),
        ),
        "sports": ArabicTopic(
            subjects=_subjects(
                "المنتخب الوطني/m | نادي الوداد البيضاوي/m | الاتحاد الدولي لكرة القدم/m"
                " | نادي الأهلي المصري/m | اللجنة الأولمبية/f"
                " | الجامعة الملكية المغربية لكرة القدم/f"
                " | مدرب الرجاء/m | إدارة النادي/f | حارس المرمى/m | المهاجم الدولي/m"
            ),
            verbs=_verbs(
                "أعلن أعلنت يعلن تعلن; حقق حققت يحقق تحقق; وقع وقعت يوقع توقع; ضمن ضمنت يضمن تضمن;"
                " حسم حسمت يحسم تحسم; خاض خاضت يخوض تخوض; استعاد استعادت يستعيد تستعيد;"
                " أرجأ أرجأت يرجئ ترجئ"
            ),
            objects=_list(
                "عقدا لمدة موسمين | بطاقة التأهل إلى نهائيات كأس العالم | لقب الدوري"
                " | المباراة النهائية | مشروع الملعب الجديد | نهائي دوري أبطال أفريقيا"
                " | صفقة قياسية | معسكرا تدريبيا في إسبانيا | مباراة الديربي أمام الرجاء"
                " | التصفيات الأولمبية"
            ),
            claims=_list(
                "المهاجم سيغيب ثلاثة أسابيع بسبب الإصابة | مبيعات التذاكر حطمت الأرقام القياسية"
                " | المباراة ستقام دون جمهور | الحارس وافق على تمديد عقده"
                " | الفريق قدم أفضل مبارياته هذا الموسم"
            ),
            subheads=_list("هدف قاتل | قلق من الإصابات | احتفالات الجماهير | سوق الانتقالات"),
            captions=_list(
                "لاعبون يحتفلون بهدف في {city} | جماهير في مدرجات ملعب {city}"
                " | المدرب خلال حصة تدريبية في {city}"
            ),
            tags=_list(
                "كرة القدم | كأس العالم | دوري أبطال أفريقيا | الانتقالات | الألعاب الأولمبية"
                " | ألعاب القوى | التنس"
            ),
            roles=_list("قائد الفريق | المدير الرياضي للنادي | المدرب | المتحدث باسم الاتحاد"),
        ),
        "technology": ArabicTopic(
            subjects=_subjects(
                "شركة أمازون/f | شركة آبل/f | شركة سامسونغ/f | شركة غوغل/f | وزارة الاتصالات/f"
                " | وكالة الفضاء/f | شركة ناشئة في دبي/f | هيئة تنظيم الاتصالات/f"
                " | فريق من الباحثين/m | شركة هواوي/f"
            ),
            verbs=_verbs(
                "أطلق أطلقت يطلق تطلق; كشف_عن كشفت_عن يكشف_عن تكشف_عن; اختبر اختبرت يختبر تختبر;"
                " طور طورت يطور تطور; افتتح افتتحت يفتتح تفتتح; أرجأ أرجأت يرجئ ترجئ;"
                " حظر حظرت يحظر تحظر"
            ),
            objects=_list(
                "متجرا بدون صناديق دفع | شبكة الجيل الخامس | هاتفا ذكيا جديدا"
                " | مختبرا للذكاء الاصطناعي | قانونا لحماية البيانات الشخصية"
                " | قمرا صناعيا للاتصالات | خدمة الحوسبة السحابية | تطبيقا للدفع الإلكتروني"
                " | أسطولا من الحافلات الكهربائية"
            ),
            claims=_list(
                "ملايين الحسابات تعرضت للاختراق | الخدمة ستصل إلى عشرين مدينة العام المقبل"
                " | الجهاز نفد من الأسواق خلال ساعات | الشركة وظفت مئات المهندسين"
                " | الإطلاق تأجل مرتين"
            ),
            subheads=_list("مخاوف على الخصوصية | سوق مزدحمة | بدء التجارب | تدخل الجهات الرقابية"),
            captions=_list(
                "زائر يجرب الجهاز الجديد في {city} | مهندسون في مركز أبحاث في {city}"
                " | جناح الشركة في معرض تقني في {city}"
            ),
            tags=_list(
                "الهواتف الذكية | الذكاء الاصطناعي | الأمن الإلكتروني | الشركات الناشئة | الفضاء"
                " | الاتصالات | الخصوصية"
            ),
            roles=_list(
                "الباحث في أمن المعلومات | المدير الإقليمي للشركة | المحلل التقني"
                " | أستاذ علوم الحاسوب"
            ),
        ),
        "culture": ArabicTopic(
            subjects=_subjects(
                "مهرجان مراكش الدولي للفيلم/m | وزارة الثقافة/f | متحف اللوفر أبوظبي/m"
                " | المسرح الوطني/m | منظمة اليونسكو/f | مهرجان قرطاج/m | دار الأوبرا المصرية/f"
                " | المكتبة الوطنية/f | مخرج مغربي شاب/m | روائية لبنانية/f"
            ),
            verbs=_verbs(
                "افتتح افتتحت يفتتح تفتتح; كرم كرمت يكرم تكرم; نظم نظمت ينظم تنظم;"
                " قدم قدمت يقدم تقدم; أطلق أطلقت يطلق تطلق; استضاف استضافت يستضيف تستضيف;"
                " ألغى ألغت يلغي تلغي"
            ),
            objects=_list(
                "معرضا للخط العربي | الموسم الفني الجديد | فيلما وثائقيا عن الهجرة"
                " | معرض الكتاب السنوي | مجموعة من المخطوطات النادرة | مهرجان موسيقى الجاز"
                " | جائزة للشعراء الشباب | عرضا مسرحيا جديدا | معرضا للتصوير الفوتوغرافي الحديث"
            ),
            claims=_list(
                "عدد الزوار تجاوز أربعين ألفا | أعمال الترميم استغرقت ست سنوات"
                " | الفيلم صور في ثلاثة أسابيع فقط | التذاكر نفدت في يوم واحد"
                " | المجموعة ستنتقل إلى ثلاث دول"
            ),
            subheads=_list("برنامج غني | إحياء التراث | أصوات جديدة | قاعة ممتلئة"),
            captions=_list(
                "زوار في المعرض في {city} | الواجهة المرممة لمسجد في {city}"
                " | ممثلون على خشبة المسرح في {city} | خطاط خلال العمل في {city}"
            ),
            tags=_list(
                "السينما | الموسيقى | الأدب | التراث | المسرح | الفنون التشكيلية | المهرجانات"
                " | الكتب"
            ),
            roles=_list("مدير المهرجان | أمين المتحف | الناقد الأدبي | وزير الثقافة"),
        ),
    }
)

_SPEAKERS = _list(
    "محمد العلوي | سمير حداد | يوسف التازي | كريم بناني | طارق ناصر | عمر الفاسي"
    " | خالد المصري | أحمد الزين"
)
_AUTHORS = _list(
    "محمد الأمين | سارة خليل | يوسف بن علي | ليلى حداد | كريم منصور | نادية الحسن"
    " | عبد الله المراكشي | هبة السيد"
)
_TIMES = _list(
    "يوم الإثنين | يوم الثلاثاء | يوم الأربعاء | يوم الخميس | يوم الجمعة | يوم السبت"
    " | يوم الأحد | الأسبوع الماضي | مساء الخميس | صباح الجمعة | خلال الشهر الجاري"
)
_SOURCES = _list("وسائل إعلام محلية | مصدر عسكري | بيان رسمي | وكالة الأنباء الرسمية")
_CONTEXTS = _list("وسط انتقادات واسعة | وسط ترقب دولي | رغم الخلافات الداخلية | بتفاؤل حذر")


class ArabicWriter:
    """Writes Arabic news prose from a random stream."""

    language = "ar"

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def _pick(self, options: tuple[str, ...]) -> str:
        return self._rng.choice(options)

    def person(self) -> str:
        """A byline name."""
        return self._pick(_AUTHORS)

    def headline(self, topic: str, city: City) -> str:
        """A headline, present tense as Arabic headlines are."""
        w = TOPICS_AR[topic]
        subject, verb = self._rng.choice(w.subjects), self._rng.choice(w.verbs)
        clause = f"{subject.name} {verb.present(subject.feminine)} {self._pick(w.objects)}"
        shape = self._rng.randrange(3)
        if shape == 0:
            return f"{clause} في {city.ar}"
        if shape == 1:
            return f"{city.ar}: {clause}"
        return f"{clause} {self._pick(_CONTEXTS)}"

    def lede(self, topic: str, city: City) -> str:
        """An opening sentence: verb, subject, object, place, time, source."""
        w = TOPICS_AR[topic]
        subject, verb = self._rng.choice(w.subjects), self._rng.choice(w.verbs)
        return (
            f"{verb.past(subject.feminine)} {subject.name} {self._pick(w.objects)} في {city.ar} "
            f"{self._pick(_TIMES)}، بحسب {self._pick(_SOURCES)}."
        )

    def sentence(self, topic: str, city: City) -> str:
        """A body sentence of one of several shapes."""
        w = TOPICS_AR[topic]
        rng = self._rng
        subject, verb = rng.choice(w.subjects), rng.choice(w.verbs)
        fem = subject.feminine
        speaker, claim, obj = self._pick(_SPEAKERS), self._pick(w.claims), self._pick(w.objects)
        shape = rng.randrange(10)
        if shape == 0:
            return f"وقال {speaker}، {self._pick(w.roles)}، إن {claim}."
        if shape == 1:
            return f"وأضاف {speaker} أن {claim}."
        if shape == 2:
            return f"وأكد {speaker}، {self._pick(w.roles)}، في تصريحات صحافية أن {claim}."
        if shape == 3:
            return f"ويأتي ذلك بعد أن {verb.past(fem)} {subject.name} {obj} {self._pick(_TIMES)}."
        if shape == 4:
            return f"وأشارت مصادر مطلعة في {city.ar} إلى أن {claim}."
        if shape == 5:
            return f"وبحسب {self._pick(_SOURCES)}، فإن {claim}."
        if shape == 6:
            return f"ولم يتضح بعد موقف {subject.name} من {obj}."
        if shape == 7:
            return (
                f"وسجلت المؤشرات ارتفاعا بنسبة {rng.randrange(2, 60)} في المئة مقارنة بعام "
                f"{rng.randrange(2010, 2017)}، وفقا لأرقام رسمية."
            )
        if shape == 8:
            return f"ويرى محللون أن {subject.name} قد {verb.present(fem)} {obj} قبل نهاية العام."
        was = "وكانت" if fem else "وكان"
        return (
            f"{was} {subject.name} قد {verb.past(fem)} {obj} في عام {rng.randrange(2009, 2017)}"
            f"، وسط انتقادات واسعة."
        )

    def subheading(self, topic: str) -> str:
        """A short crosshead."""
        return self._pick(TOPICS_AR[topic].subheads)

    def caption(self, topic: str, city: City) -> str:
        """A photo caption."""
        return self._pick(TOPICS_AR[topic].captions).format(city=city.ar)

    def tags(self, topic: str, city: City) -> tuple[str, ...]:
        """Two to four tags."""
        chosen = self._rng.sample(list(TOPICS_AR[topic].tags), self._rng.randrange(2, 4))
        if self._rng.random() < 0.4:
            chosen.append(city.ar)
        return tuple(chosen)

    def comment(self, topic: str) -> tuple[str, str]:
        """A reader comment: its author and its text."""
        return self.person(), f"{self._pick(TOPICS_AR[topic].claims)}؟ ننتظر ونرى."
